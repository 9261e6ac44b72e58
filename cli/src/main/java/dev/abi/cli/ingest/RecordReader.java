package dev.abi.cli.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.cli.Json;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the records of one input file, one at a time, so that a file larger than memory streams through:
 * <ul>
 *   <li>{@code .jsonl}: one JSON object per line;</li>
 *   <li>{@code .json}: an array of objects, or an object holding one under {@code "vectors"} or {@code "documents"}
 *       (an upsert body as the API takes it);</li>
 *   <li>{@code .csv}: see {@link CsvRecords};</li>
 *   <li>{@code .txt}, {@code .md}: the whole file is one document.</li>
 * </ul>
 * An object with {@code "values"} is a vector; one with {@code "text"} and no {@code "values"} is a document.
 */
public abstract class RecordReader implements Closeable {

    /** The next record, or null at the end. */
    public abstract Record next() throws IOException;

    /** Whether ingest reads {@code file} (by its extension). */
    public static boolean supported(Path file) {
        return switch (extension(file)) {
            case "jsonl", "json", "csv", "txt", "md" -> true;
            default -> false;
        };
    }

    /** A reader of {@code file}; {@code docId} is the id a text file's document gets. */
    public static RecordReader open(Path file, String docId) throws IOException {
        return switch (extension(file)) {
            case "jsonl" -> new Lines(file);
            case "json" -> new JsonArray(file);
            case "csv" -> new CsvRecords(file);
            case "txt", "md" -> new TextFile(file, docId);
            default -> throw new InputFormatException(file + ": not .jsonl, .json, .csv, .txt or .md");
        };
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Checks one object and says which kind it is; {@code where} names the file and line for the error. */
    static Record record(JsonNode node, String where, long bytesRead) {
        if (node == null || !node.isObject()) {
            throw new InputFormatException(where + ": expected a JSON object like {\"id\":\"a\",\"values\":[...]}");
        }
        ObjectNode o = (ObjectNode) node;
        JsonNode id = o.get("id");
        if (id == null
                || !(id.isTextual() || id.isIntegralNumber())
                || id.asText().isEmpty()) {
            throw new InputFormatException(where + ": \"id\" is missing or not a non-empty string");
        }
        if (!id.isTextual()) {
            o.put("id", id.asText());
        }
        JsonNode attributes = o.get("attributes");
        if (attributes != null && !attributes.isObject() && !attributes.isNull()) {
            throw new InputFormatException(where + ": \"attributes\" must be an object");
        }
        if (o.has("values")) {
            if (!o.get("values").isArray() || o.get("values").isEmpty()) {
                throw new InputFormatException(where + ": \"values\" must be a non-empty array of numbers");
            }
            return new Record(Record.Kind.VECTOR, o, where, bytesRead);
        }
        if (o.has("text")) {
            if (!o.get("text").isTextual()) {
                throw new InputFormatException(where + ": \"text\" must be a string");
            }
            return new Record(Record.Kind.DOCUMENT, o, where, bytesRead);
        }
        throw new InputFormatException(where + ": neither \"values\" (a vector) nor \"text\" (a document)");
    }

    /** {@code .jsonl}: a line each; blank lines are skipped. */
    static final class Lines extends RecordReader {
        private final Path file;
        private final BufferedReader in;
        private long bytes;
        private int line;

        Lines(Path file) throws IOException {
            this.file = file;
            this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        }

        @Override
        public Record next() throws IOException {
            String s;
            while ((s = in.readLine()) != null) {
                line++;
                bytes += s.getBytes(StandardCharsets.UTF_8).length + 1;
                if (s.isBlank()) {
                    continue;
                }
                String where = file + ":" + line;
                try {
                    return record(Json.MAPPER.readTree(s), where, bytes);
                } catch (JsonProcessingException e) {
                    throw new InputFormatException(where + ": not JSON (" + e.getOriginalMessage() + ")");
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** {@code .json}: the elements of the top-level array (or of its {@code vectors}/{@code documents} array). */
    static final class JsonArray extends RecordReader {
        private final Path file;
        private final JsonParser parser;
        private int index;

        JsonArray(Path file) throws IOException {
            this.file = file;
            this.parser = Json.MAPPER.createParser(file.toFile());
            try {
                JsonToken first = parser.nextToken();
                if (first == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        JsonToken value = parser.nextToken();
                        if ((name.equals("vectors") || name.equals("documents")) && value == JsonToken.START_ARRAY) {
                            return;
                        }
                        parser.skipChildren();
                    }
                    throw new InputFormatException(file + ": an object without a \"vectors\" or \"documents\" array");
                }
                if (first != JsonToken.START_ARRAY) {
                    throw new InputFormatException(file + ": expected a JSON array of objects, or an object with a"
                            + " \"vectors\" or \"documents\" array");
                }
            } catch (JsonProcessingException e) {
                parser.close();
                throw new InputFormatException(file + ": not JSON (" + e.getOriginalMessage() + ")");
            }
        }

        @Override
        public Record next() throws IOException {
            try {
                JsonToken t = parser.nextToken();
                if (t == JsonToken.END_ARRAY || t == null) {
                    return null;
                }
                index++;
                JsonNode node = Json.MAPPER.readTree(parser);
                return record(
                        node,
                        file + " element " + index,
                        parser.currentLocation().getByteOffset());
            } catch (JsonProcessingException e) {
                throw new InputFormatException(
                        file + " element " + index + ": not JSON (" + e.getOriginalMessage() + ")");
            }
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /** {@code .txt}, {@code .md}: one document, {@code {"id","text","attributes":{"path"}}}. */
    static final class TextFile extends RecordReader {
        private final Path file;
        private final String id;
        private boolean done;

        TextFile(Path file, String id) {
            this.file = file;
            this.id = id;
        }

        @Override
        public Record next() throws IOException {
            if (done) {
                return null;
            }
            done = true;
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (MalformedInputException e) {
                throw new InputFormatException(file + ": not UTF-8 text");
            }
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("id", id);
            o.put("text", text);
            o.putObject("attributes").put("path", file.getFileName().toString());
            return new Record(Record.Kind.DOCUMENT, o, file.toString(), Files.size(file));
        }

        @Override
        public void close() {}
    }
}
