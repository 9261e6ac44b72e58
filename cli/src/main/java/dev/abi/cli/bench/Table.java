package dev.abi.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.cli.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Rows of named columns, written as a markdown table, CSV or a JSON array of objects. */
final class Table {

    /** How a table is written. */
    enum Format {
        md,
        csv,
        json
    }

    private final List<String> columns;
    private final List<List<Object>> rows = new ArrayList<>();

    Table(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    void add(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns");
        }
        rows.add(List.of(cells));
    }

    String render(Format format) {
        StringBuilder b = new StringBuilder();
        switch (format) {
            case md -> {
                b.append("| ").append(String.join(" | ", columns)).append(" |\n|");
                columns.forEach(c -> b.append("---|"));
                b.append('\n');
                for (List<Object> r : rows) {
                    b.append("| ");
                    for (int i = 0; i < r.size(); i++) {
                        b.append(i > 0 ? " | " : "").append(cell(r.get(i)));
                    }
                    b.append(" |\n");
                }
            }
            case csv -> {
                b.append(String.join(",", columns)).append('\n');
                for (List<Object> r : rows) {
                    for (int i = 0; i < r.size(); i++) {
                        String cell = cell(r.get(i));
                        b.append(i > 0 ? "," : "")
                                .append(
                                        cell.contains(",") || cell.contains("\"")
                                                ? '"' + cell.replace("\"", "\"\"") + '"'
                                                : cell);
                    }
                    b.append('\n');
                }
            }
            case json -> {
                ArrayNode a = Json.MAPPER.createArrayNode();
                for (List<Object> r : rows) {
                    ObjectNode o = a.addObject();
                    for (int i = 0; i < r.size(); i++) {
                        o.set(columns.get(i), Json.MAPPER.valueToTree(r.get(i)));
                    }
                }
                b.append(Json.pretty(a)).append('\n');
            }
        }
        return b.toString();
    }

    /** Decimals with two places; everything else as it prints. */
    private static String cell(Object v) {
        return v instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(v);
    }
}
