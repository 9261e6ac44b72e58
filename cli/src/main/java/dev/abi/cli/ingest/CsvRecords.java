package dev.abi.cli.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.cli.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code .csv} vectors: a header row naming the columns, then one vector per row. Column {@code id} is the id,
 * column {@code values} the numbers separated by spaces or semicolons; every other column is an attribute (a number
 * when it reads as one, else a string; an empty cell is no attribute). Fields may be double-quoted, with {@code ""}
 * for a quote; a quoted field does not span lines.
 */
final class CsvRecords extends RecordReader {

    private final Path file;
    private final BufferedReader in;
    private final List<String> header;
    private final int idColumn;
    private final int valuesColumn;
    private long bytes;
    private int line = 1;

    CsvRecords(Path file) throws IOException {
        this.file = file;
        this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        String first = in.readLine();
        if (first == null) {
            in.close();
            throw new InputFormatException(file + ": empty; expected a header row such as id,values,lang");
        }
        bytes = first.getBytes(StandardCharsets.UTF_8).length + 1;
        header = split(first.startsWith("\uFEFF") ? first.substring(1) : first, 1);
        idColumn = header.indexOf("id");
        valuesColumn = header.indexOf("values");
        if (idColumn < 0 || valuesColumn < 0) {
            in.close();
            throw new InputFormatException(
                    file + ":1: the header must name an \"id\" and a \"values\" column, got " + header);
        }
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
            List<String> cells = split(s, line);
            if (cells.size() != header.size()) {
                throw new InputFormatException(
                        where + ": " + cells.size() + " fields, the header has " + header.size());
            }
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("id", cells.get(idColumn));
            ArrayNode values = o.putArray("values");
            for (String v : cells.get(valuesColumn).trim().split("[;\\s]+")) {
                try {
                    values.add(Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    throw new InputFormatException(where + ": values: '" + v + "' is not a number");
                }
            }
            ObjectNode attributes = Json.MAPPER.createObjectNode();
            for (int c = 0; c < header.size(); c++) {
                if (c != idColumn && c != valuesColumn && !cells.get(c).isEmpty()) {
                    attribute(attributes, header.get(c), cells.get(c));
                }
            }
            if (!attributes.isEmpty()) {
                o.set("attributes", attributes);
            }
            return record(o, where, bytes);
        }
        return null;
    }

    private static void attribute(ObjectNode attributes, String name, String cell) {
        try {
            if (cell.matches("-?\\d{1,18}")) {
                attributes.put(name, Long.parseLong(cell));
            } else if (cell.matches("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                attributes.put(name, Double.parseDouble(cell));
            } else {
                attributes.put(name, cell);
            }
        } catch (NumberFormatException e) {
            attributes.put(name, cell);
        }
    }

    /** The fields of one line: commas separate, double quotes enclose, {@code ""} inside quotes is a quote. */
    private List<String> split(String s, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new InputFormatException(file + ":" + lineNo + ": a quoted field is not closed on its line");
        }
        out.add(cell.toString());
        return out;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
