package dev.abi.cli.ingest;

import dev.abi.cli.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records of one kind gathered for one request, with the JSON body they make: {@code {"vectors":[...]}} or
 * {@code {"documents":[...],"model":"..."}}.
 */
final class Batch {

    /** Bytes of the body around the records: the wrapper, the model field, commas. */
    static final int OVERHEAD = 512;

    final Record.Kind kind;
    final int index;
    final String firstOrigin;
    private final List<byte[]> records = new ArrayList<>();
    private long bytes = OVERHEAD;

    Batch(Record.Kind kind, int index, String firstOrigin) {
        this.kind = kind;
        this.index = index;
        this.firstOrigin = firstOrigin;
    }

    /** Whether one more record of {@code size} bytes keeps the batch within {@code maxRecords} and {@code maxBytes}. */
    boolean fits(int size, int maxRecords, long maxBytes) {
        return records.size() < maxRecords && bytes + size + 1 <= maxBytes;
    }

    void add(byte[] record) {
        records.add(record);
        bytes += record.length + 1;
    }

    int size() {
        return records.size();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /** The request body; {@code model} goes with documents when set. */
    byte[] body(String model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, bytes));
        out.writeBytes(("{\"" + kind.field + "\":[").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(records.get(i));
        }
        out.write(']');
        if (kind == Record.Kind.DOCUMENT && model != null) {
            out.writeBytes((",\"model\":" + Json.MAPPER.valueToTree(model)).getBytes(StandardCharsets.UTF_8));
        }
        out.write('}');
        return out.toByteArray();
    }
}
