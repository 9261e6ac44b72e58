package dev.abi.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binary format of a batch of operations, used for WAL objects and for delta segments: {@code "ABIWAL01"}, count, then
 * per operation a kind byte (0 upsert, 1 delete), the UTF-8 id and, for upserts, dimension, big-endian floats and
 * attributes as JSON; sealed with CRC32C ({@link Checksums#seal}). Every length is bounded by the bytes left.
 */
public final class WalCodec {

    private static final byte[] MAGIC = "ABIWAL01".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> ATTRS = new TypeReference<>() {};

    private WalCodec() {}

    public static byte[] encode(List<Operation> ops) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + ops.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(ops.size());
            for (Operation op : ops) {
                out.writeByte(op.isDelete() ? 1 : 0);
                byte[] id = op.id().getBytes(StandardCharsets.UTF_8);
                out.writeInt(id.length);
                out.write(id);
                if (!op.isDelete()) {
                    out.writeInt(op.values().length);
                    for (float f : op.values()) {
                        out.writeFloat(f);
                    }
                    byte[] attrs = op.attributes() == null || op.attributes().isEmpty()
                            ? new byte[0]
                            : JSON.writeValueAsBytes(op.attributes());
                    out.writeInt(attrs.length);
                    out.write(attrs);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Checksums.seal(bytes.toByteArray());
    }

    /**
     * @throws CorruptObjectException naming {@code key} on a checksum or format error
     */
    public static List<Operation> decode(String key, byte[] sealed) {
        ByteBuffer buf = ByteBuffer.wrap(Checksums.open(key, sealed));
        try {
            for (byte b : MAGIC) {
                if (buf.get() != b) {
                    throw new CorruptObjectException(key, "not a WAL batch (bad magic)");
                }
            }
            int count = buf.getInt();
            if (count < 0 || count > buf.remaining()) {
                throw new CorruptObjectException(key, "operation count " + count + " is out of range");
            }
            List<Operation> ops = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int kind = buf.get();
                String id = new String(slice(buf, key, 1), StandardCharsets.UTF_8);
                if (kind == 1) {
                    ops.add(Operation.delete(id));
                } else if (kind == 0) {
                    int dim = buf.getInt();
                    if (dim < 0 || (long) dim * 4 > buf.remaining()) {
                        throw new CorruptObjectException(key, "dimension " + dim + " runs past the end");
                    }
                    float[] values = new float[dim];
                    for (int d = 0; d < dim; d++) {
                        values[d] = buf.getFloat();
                    }
                    byte[] attrs = slice(buf, key, 1);
                    ops.add(Operation.upsert(id, values, attrs.length == 0 ? Map.of() : JSON.readValue(attrs, ATTRS)));
                } else {
                    throw new CorruptObjectException(key, "unknown operation kind " + kind);
                }
            }
            return ops;
        } catch (BufferUnderflowException | IOException e) {
            throw new CorruptObjectException(key, "malformed WAL batch: " + e);
        }
    }

    private static byte[] slice(ByteBuffer buf, String key, int unit) {
        int len = buf.getInt();
        if (len < 0 || (long) len * unit > buf.remaining()) {
            throw new CorruptObjectException(key, "length " + len + " runs past the end");
        }
        byte[] out = new byte[len];
        buf.get(out);
        return out;
    }
}
