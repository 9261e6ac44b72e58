package dev.abi.namespace;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.store.CorruptObjectException;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.Metric;
import dev.abi.vector.VectorIndex;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Binary format of a namespace snapshot: {@code "ABISNAP1"}, dimension, metric, version, count, then per vector its
 * UTF-8 id, raw little-endian floats and attributes as JSON, and a CRC32C of everything before it. Readers verify the
 * checksum before parsing and bound every length by the bytes that remain.
 */
final class SnapshotCodec {

    private static final byte[] MAGIC = "ABISNAP1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> ATTRS = new TypeReference<>() {};

    private SnapshotCodec() {}

    static byte[] encode(
            int dimension,
            Metric metric,
            long version,
            VectorIndex current,
            Collection<VectorRecord> upserts,
            Set<String> deletes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(dimension);
            out.writeByte(metric.ordinal());
            out.writeLong(version);
            int[] count = {0};
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream bodyOut = new DataOutputStream(body);
            if (current != null) {
                current.forEach(v -> {
                    if (!deletes.contains(v.id()) && !containsId(upserts, v.id())) {
                        writeVector(bodyOut, v.id(), v.values(), v.attributes());
                        count[0]++;
                    }
                });
            }
            for (VectorRecord r : upserts) {
                writeVector(bodyOut, r.id(), r.values(), r.attributes());
                count[0]++;
            }
            bodyOut.flush();
            out.writeInt(count[0]);
            body.writeTo(out);
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static boolean containsId(Collection<VectorRecord> upserts, String id) {
        if (upserts instanceof UpsertBatch batch) {
            return batch.containsId(id);
        }
        for (VectorRecord r : upserts) {
            if (r.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static void writeVector(DataOutputStream out, String id, float[] values, Map<String, Object> attrs) {
        try {
            byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
            out.writeInt(idBytes.length);
            out.write(idBytes);
            for (float f : values) {
                out.writeFloat(f);
            }
            byte[] attrBytes = attrs == null || attrs.isEmpty() ? new byte[0] : JSON.writeValueAsBytes(attrs);
            out.writeInt(attrBytes.length);
            out.write(attrBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FlatVectorIndex decode(String key, byte[] data) {
        if (data.length < MAGIC.length + 4 + 1 + 8 + 4 + 4) {
            throw new CorruptObjectException(key, "snapshot is truncated (" + data.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        ByteBuffer buf = ByteBuffer.wrap(data);
        if ((int) crc.getValue() != buf.getInt(data.length - 4)) {
            throw new CorruptObjectException(key, "snapshot checksum does not match");
        }
        try {
            for (byte b : MAGIC) {
                if (buf.get() != b) {
                    throw new CorruptObjectException(key, "not a snapshot (bad magic)");
                }
            }
            int dimension = buf.getInt();
            int metricOrdinal = buf.get();
            buf.getLong(); // version: the head is authoritative
            int count = buf.getInt();
            if (dimension < 1
                    || metricOrdinal < 0
                    || metricOrdinal >= Metric.values().length
                    || count < 0
                    || (long) count * (8L + 4L * dimension) > data.length) {
                throw new CorruptObjectException(key, "snapshot header is out of range");
            }
            FlatVectorIndex index = new FlatVectorIndex(
                    dimension,
                    Metric.values()[metricOrdinal],
                    dev.abi.vector.VectorOpsProvider.get(),
                    Math.max(16, count));
            for (int i = 0; i < count; i++) {
                String id = new String(slice(buf, key), StandardCharsets.UTF_8);
                float[] values = new float[dimension];
                for (int d = 0; d < dimension; d++) {
                    values[d] = buf.getFloat();
                }
                byte[] attrBytes = slice(buf, key);
                Map<String, Object> attrs = attrBytes.length == 0 ? Map.of() : JSON.readValue(attrBytes, ATTRS);
                index.upsert(id, values, attrs);
            }
            return index;
        } catch (BufferUnderflowException | IOException e) {
            throw new CorruptObjectException(key, "snapshot is malformed: " + e);
        }
    }

    private static byte[] slice(ByteBuffer buf, String key) {
        int len = buf.getInt();
        if (len < 0 || len > buf.remaining()) {
            throw new CorruptObjectException(key, "length " + len + " runs past the end");
        }
        byte[] out = new byte[len];
        buf.get(out);
        return out;
    }
}
