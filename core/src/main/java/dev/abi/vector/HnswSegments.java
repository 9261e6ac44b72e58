package dev.abi.vector;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The immutable, versioned, checksummed binary form of an {@link HnswIndex}: parameters, graph (every layer's links,
 * closest first), vectors, norms, ids, attributes, tombstones, and the int8 or PQ quantizer with its codes.
 *
 * <pre>
 * "ABIHNSW" format(u8)  dimension metric encoding m efConstruction efSearch maxTombstoneRatio count entry level
 * then per node: live(u8) id(utf8) attributes(json) norm vector[dimension] levels(u8) {links(u16) node(i32)*}*
 * then quantizer section, then CRC32C of all preceding bytes (u32).
 * </pre>
 *
 * <p>Big-endian. A reader checks the checksum before parsing and every count against the bytes left, so a
 * truncated or bit-flipped segment raises {@link CorruptSegmentException} naming the segment; it never yields an
 * index with wrong contents. This version reads into heap arrays (its open time grows with the vector count).
 * (Format 1 stored each link as (distance, node) in 8 bytes; namespaces never stored it, so it is not read.)
 */
public final class HnswSegments {

    private static final byte[] MAGIC = "ABIHNSW".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> ATTRIBUTES = new TypeReference<>() {
    };

    private HnswSegments() {
    }

    /** Serializes the index; in-flight inserts finish first. */
    public static byte[] write(HnswIndex index) {
        HnswIndex.State s = index.exportState();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.count() * (s.dimension() * 4 + 256) + 256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeByte(FORMAT);
            out.writeInt(s.dimension());
            out.writeByte(s.metric().ordinal());
            out.writeByte(s.params().encoding().ordinal());
            out.writeShort(s.params().m());
            out.writeInt(s.params().efConstruction());
            out.writeInt(s.params().efSearch());
            out.writeDouble(s.params().maxTombstoneRatio());
            out.writeInt(s.count());
            out.writeInt(s.entryNode());
            out.writeByte(s.entryLevel());
            for (int node = 0; node < s.count(); node++) {
                out.writeByte(s.live()[node]);
                byte[] id = s.ids()[node].getBytes(StandardCharsets.UTF_8);
                out.writeShort(id.length);
                out.write(id);
                byte[] attrs = JSON.writeValueAsBytes(s.attributes()[node]);
                out.writeInt(attrs.length);
                out.write(attrs);
                out.writeFloat(s.norms()[node]);
                for (int d = 0; d < s.dimension(); d++) {
                    out.writeFloat(s.vectors()[node * s.dimension() + d]);
                }
                int[][] levels = s.links()[node];
                out.writeByte(levels.length);
                for (int[] level : levels) {
                    out.writeShort(level.length);
                    for (int link : level) {
                        out.writeInt(link);
                    }
                }
            }
            writeQuantizers(s, out);
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a segment written by {@link #write}.
     *
     * @param name the segment's name, used in errors (for example its object key)
     * @throws CorruptSegmentException naming {@code name} when the checksum or the structure is wrong
     */
    public static HnswIndex read(String name, byte[] data) {
        if (data.length < MAGIC.length + 5) {
            throw new CorruptSegmentException(name, "too short (" + data.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int stored = ((data[data.length - 4] & 0xff) << 24) | ((data[data.length - 3] & 0xff) << 16)
                | ((data[data.length - 2] & 0xff) << 8) | (data[data.length - 1] & 0xff);
        if ((int) crc.getValue() != stored) {
            throw new CorruptSegmentException(name, "checksum mismatch (truncated or damaged)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4))) {
            for (byte b : MAGIC) {
                if (in.readByte() != b) {
                    throw new CorruptSegmentException(name, "not an HNSW segment (bad magic)");
                }
            }
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new CorruptSegmentException(name, "unknown format version " + format);
            }
            int dimension = in.readInt();
            Metric metric = enumAt(Metric.values(), in.readUnsignedByte(), name, "metric");
            VectorEncoding encoding = enumAt(VectorEncoding.values(), in.readUnsignedByte(), name, "encoding");
            HnswParams params;
            try {
                params = new HnswParams(in.readUnsignedShort(), in.readInt(), in.readInt(), in.readDouble(), encoding);
            } catch (IllegalArgumentException e) {
                throw new CorruptSegmentException(name, "bad parameters: " + e.getMessage());
            }
            int count = in.readInt();
            int entryNode = in.readInt();
            int entryLevel = in.readByte();
            if (dimension < 1 || count < 0 || (long) count * dimension * 4 > data.length || entryNode >= count
                    || (count > 0 && entryNode < 0)) {
                throw new CorruptSegmentException(name, "header out of range");
            }
            float[] vectors = new float[count * dimension];
            float[] norms = new float[count];
            String[] ids = new String[count];
            Object[] attributes = new Object[count];
            int[][][] links = new int[count][][];
            byte[] live = new byte[count];
            for (int node = 0; node < count; node++) {
                live[node] = in.readByte();
                byte[] id = new byte[in.readUnsignedShort()];
                in.readFully(id);
                ids[node] = new String(id, StandardCharsets.UTF_8);
                int attrLength = in.readInt();
                if (attrLength < 0 || attrLength > in.available()) {
                    throw new CorruptSegmentException(name, "attributes of node " + node + " run past the end");
                }
                byte[] attrs = new byte[attrLength];
                in.readFully(attrs);
                attributes[node] = Map.copyOf(JSON.readValue(attrs, ATTRIBUTES));
                norms[node] = in.readFloat();
                for (int d = 0; d < dimension; d++) {
                    vectors[node * dimension + d] = in.readFloat();
                }
                int levels = in.readUnsignedByte();
                links[node] = new int[levels][];
                for (int l = 0; l < levels; l++) {
                    int[] level = new int[in.readUnsignedShort()];
                    for (int i = 0; i < level.length; i++) {
                        int neighbour = in.readInt();
                        level[i] = neighbour;
                        if (neighbour < 0 || neighbour >= count) {
                            throw new CorruptSegmentException(name, "node " + node + " links to " + neighbour
                                    + ", outside 0.." + (count - 1));
                        }
                    }
                    links[node][l] = level;
                }
            }
            return HnswIndex.fromState(readQuantizers(name, in, dimension, count, metric, params, entryNode,
                    entryLevel, vectors, norms, ids, attributes, links, live));
        } catch (EOFException e) {
            throw new CorruptSegmentException(name, "truncated");
        } catch (IOException e) {
            throw new CorruptSegmentException(name, "malformed: " + e.getMessage());
        }
    }

    private static void writeQuantizers(HnswIndex.State s, DataOutputStream out) throws IOException {
        ScalarQuantizer sq = s.quantizer();
        out.writeBoolean(sq != null);
        if (sq != null) {
            for (float f : sq.offsetsShared()) {
                out.writeFloat(f);
            }
            for (float f : sq.stepsShared()) {
                out.writeFloat(f);
            }
            out.write(s.codes());
        }
        ProductQuantizer pq = s.productQuantizer();
        out.writeBoolean(pq != null);
        if (pq != null) {
            int[] starts = pq.startsShared();
            out.writeShort(starts.length);
            for (int start : starts) {
                out.writeInt(start);
            }
            for (float f : pq.centroidsShared()) {
                out.writeFloat(f);
            }
            out.write(s.pqCodes());
        }
    }

    private static HnswIndex.State readQuantizers(String name, DataInputStream in, int dimension, int count,
            Metric metric, HnswParams params, int entryNode, int entryLevel, float[] vectors, float[] norms,
            String[] ids, Object[] attributes, int[][][] links, byte[] live) throws IOException {
        ScalarQuantizer sq = null;
        byte[] codes = null;
        if (in.readBoolean()) {
            float[] offset = floats(in, dimension);
            float[] step = floats(in, dimension);
            sq = new ScalarQuantizer(offset, step);
            codes = new byte[count * dimension];
            in.readFully(codes);
        }
        ProductQuantizer pq = null;
        byte[] pqCodes = null;
        if (in.readBoolean()) {
            int[] starts = new int[in.readUnsignedShort()];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = in.readInt();
            }
            if (starts.length < 2 || starts[0] != 0 || starts[starts.length - 1] != dimension) {
                throw new CorruptSegmentException(name, "PQ subspaces do not cover the dimension");
            }
            pq = new ProductQuantizer(dimension, starts, floats(in, dimension * ProductQuantizer.CENTROIDS));
            pqCodes = new byte[count * pq.subspaces()];
            in.readFully(pqCodes);
        }
        if (in.available() != 0) {
            throw new CorruptSegmentException(name, in.available() + " unexpected bytes before the checksum");
        }
        return new HnswIndex.State(dimension, metric, params, count, entryNode, entryLevel, vectors, norms, ids,
                attributes, links, live, sq, codes, pq, pqCodes);
    }

    private static float[] floats(DataInputStream in, int n) throws IOException {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.readFloat();
        }
        return out;
    }

    private static <E extends Enum<E>> E enumAt(E[] values, int ordinal, String name, String what) {
        if (ordinal >= values.length) {
            throw new CorruptSegmentException(name, "unknown " + what + " " + ordinal);
        }
        return values[ordinal];
    }
}
