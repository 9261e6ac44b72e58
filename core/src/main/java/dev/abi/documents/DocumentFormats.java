package dev.abi.documents;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Files to documents, by extension:
 * <ul>
 *   <li>{@code .txt}, {@code .md}: one document, its id the file name as given (a key relative to its namespace);</li>
 *   <li>{@code .jsonl}: one document per line, {@code {"id","text","attributes"}}, or {@code "values"} (a vector
 *   given directly) instead of {@code "text"};</li>
 *   <li>{@code .json}: an array of such objects, or an object with {@code "documents"};</li>
 *   <li>{@code .csv}: a header row, then one document per row; the text and id columns are configurable
 *   (defaults {@code text} and {@code id}), every other column becomes an attribute.</li>
 * </ul>
 * Any other extension, bytes that are not UTF-8, or a malformed record is a {@link DocumentFormatException} naming the
 * file.
 */
public final class DocumentFormats {

    /** The extensions {@link #parse} reads. */
    public static final List<String> EXTENSIONS = List.of(".txt", ".md", ".jsonl", ".json", ".csv");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param maxBytes      largest file accepted
     * @param csvTextColumn the CSV column holding the text
     * @param csvIdColumn   the CSV column holding the id; rows without one get {@code {file}:{row}}
     */
    public record Options(long maxBytes, String csvTextColumn, String csvIdColumn) {
        public static Options defaults() {
            return new Options(64L << 20, "text", "id");
        }
    }

    private DocumentFormats() {}

    /** Whether the file name has an extension {@link #parse} reads. */
    public static boolean supported(String fileName) {
        return EXTENSIONS.contains(extension(fileName));
    }

    /**
     * The documents of a file.
     *
     * @param fileName its name or key, for the format and for ids and errors
     * @throws DocumentFormatException naming the file when it cannot be read as documents
     */
    public static List<Document> parse(String fileName, byte[] bytes, Options options) {
        if (bytes.length > options.maxBytes()) {
            throw new DocumentFormatException(
                    fileName, "is " + bytes.length + " bytes; the limit is " + options.maxBytes());
        }
        String ext = extension(fileName);
        if (!EXTENSIONS.contains(ext)) {
            throw new DocumentFormatException(
                    fileName,
                    "unknown format '" + (ext.isEmpty() ? "(no extension)" : ext) + "'; supported: "
                            + String.join(", ", EXTENSIONS));
        }
        String text = utf8(fileName, bytes);
        return switch (ext) {
            case ".txt", ".md" ->
                text.isBlank() ? List.of() : List.of(Document.text(fileName, text, Map.of("source", fileName)));
            case ".jsonl" -> jsonl(fileName, text);
            case ".json" -> json(fileName, text);
            default -> csv(fileName, text, options);
        };
    }

    static String extension(String fileName) {
        String name = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }

    private static String baseName(String fileName) {
        String name = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }

    /** Strict UTF-8: a malformed byte is an error naming its offset, never a silent replacement character. */
    static String utf8(String source, byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        var result = d.decode(in, out, true);
        if (result.isError()) {
            throw new DocumentFormatException(source, "is not valid UTF-8 (byte " + in.position() + ")");
        }
        try {
            d.flush(out);
        } catch (IllegalStateException e) {
            throw new DocumentFormatException(source, "is not valid UTF-8");
        }
        String s = out.flip().toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static List<Document> jsonl(String file, String text) {
        List<Document> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (IOException e) {
                throw new DocumentFormatException(where, "is not JSON");
            }
            out.add(document(where, node));
        }
        return out;
    }

    private static List<Document> json(String file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            // where, never what: the parser's message quotes the offending token, which may be a credential the
            // document holds, and this text goes into dead letters and the log
            throw new DocumentFormatException(file, "is not JSON" + where(e));
        }
        JsonNode list = root != null && root.isObject() ? root.get("documents") : root;
        if (list == null || !list.isArray()) {
            throw new DocumentFormatException(file, "must be an array of documents or an object with \"documents\"");
        }
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(document(file + " documents[" + i + "]", list.get(i)));
        }
        return out;
    }

    /** {@code " (line L, column C)"} of a parse failure, or nothing when the parser gave no location. */
    private static String where(IOException e) {
        JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
        return at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** One {@code {"id","text"|"values","attributes"}} object. */
    static Document document(String where, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new DocumentFormatException(where, "must be an object with \"id\" and \"text\"");
        }
        JsonNode id = node.get("id");
        if (id == null
                || !(id.isTextual() || id.isIntegralNumber())
                || id.asText().isEmpty()) {
            throw new DocumentFormatException(where, "needs a non-empty \"id\"");
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        JsonNode a = node.get("attributes");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw new DocumentFormatException(where, "\"attributes\" must be an object");
            }
            a.properties().forEach(e -> attrs.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
        }
        JsonNode values = node.get("values");
        if (values != null && !values.isNull()) {
            if (!values.isArray() || values.isEmpty()) {
                throw new DocumentFormatException(where, "\"values\" must be a non-empty array of numbers");
            }
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                JsonNode e = values.get(i);
                if (!e.isNumber() || !Float.isFinite((float) e.doubleValue())) {
                    throw new DocumentFormatException(where, "values[" + i + "] must be a finite number");
                }
                v[i] = (float) e.doubleValue();
            }
            JsonNode t = node.get("text");
            return new Document(id.asText(), t != null && t.isTextual() ? t.textValue() : null, attrs, v);
        }
        JsonNode t = node.get("text");
        if (t == null || !t.isTextual()) {
            throw new DocumentFormatException(where, "needs \"text\" (a string) or \"values\" (a vector)");
        }
        return Document.text(id.asText(), t.textValue(), attrs);
    }

    private static List<Document> csv(String file, String text, Options options) {
        List<List<String>> rows = Csv.parse(file, text);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> header = rows.get(0);
        int textCol = header.indexOf(options.csvTextColumn());
        if (textCol < 0) {
            // the missing column only: the header is the file's content, and this message reaches dead letters
            throw new DocumentFormatException(file, "has no text column '" + options.csvTextColumn() + "'");
        }
        int idCol = header.indexOf(options.csvIdColumn());
        List<Document> out = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isEmpty()) {
                continue;
            }
            if (row.size() != header.size()) {
                throw new DocumentFormatException(
                        file + " row " + (r + 1),
                        "has " + row.size() + " fields; the header" + " has " + header.size());
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                if (c != textCol && c != idCol) {
                    attrs.put(header.get(c), row.get(c));
                }
            }
            String id = idCol >= 0 && !row.get(idCol).isEmpty() ? row.get(idCol) : baseName(file) + ":" + r;
            out.add(Document.text(id, row.get(textCol), attrs));
        }
        return out;
    }

    /** RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes. */
    static final class Csv {
        private Csv() {}

        static List<List<String>> parse(String file, String text) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                    i++;
                    continue;
                }
                switch (c) {
                    case '"' -> {
                        if (field.length() > 0) {
                            throw new DocumentFormatException(
                                    file + " row " + (rows.size() + 1), "has a quote inside an unquoted field");
                        }
                        quoted = true;
                    }
                    case ',' -> {
                        row.add(field.toString());
                        field.setLength(0);
                    }
                    case '\r' -> {
                        // part of \r\n, or a bare line break
                        if (i + 1 < n && text.charAt(i + 1) == '\n') {
                            i++;
                        }
                        row.add(field.toString());
                        field.setLength(0);
                        rows.add(row);
                        row = new ArrayList<>();
                    }
                    case '\n' -> {
                        row.add(field.toString());
                        field.setLength(0);
                        rows.add(row);
                        row = new ArrayList<>();
                    }
                    default -> field.append(c);
                }
                i++;
            }
            if (quoted) {
                throw new DocumentFormatException(file, "ends inside a quoted field");
            }
            if (field.length() > 0 || !row.isEmpty()) {
                row.add(field.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
