package dev.abi.vector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The immutable, versioned, checksummed binary form of an {@link HnswIndex}: parameters, graph (every layer's links,
 * closest first), vectors, norms, ids, attributes, tombstones, and the int8 or PQ quantizer with its codes.
 *
 * <p>Format 3 is column-wise and little-endian, so that each part is one bulk copy (or, for attributes, no copy at
 * all until a filter or a read needs them):
 * <pre>
 * "ABIHNSW" format(u8)=3
 * header:   dimension(i32) metric(u8) encoding(u8) m(u16) efConstruction(i32) efSearch(i32) maxTombstoneRatio(f64)
 *           count(i32) liveCount(i32) entryNode(i32) entryLevel(i8) hasInt8(u8) pqStarts(u16) levelLists(i32) links(i32)
 *           idBytes(i32) attributeBytes(i32)
 * columns:  live[count](u8) nodeLists[count+1](i32) listEnds[levelLists](i32) links[links](i32)
 *           idEnds[count](i32) ids[idBytes](utf8) attributeEnds[count](i32) attributes[attributeBytes](json)
 *           norms[count](f32) vectors[count*dimension](f32)
 *           int8: offsets[dimension](f32) steps[dimension](f32) codes[count*dimension](i8)
 *           pq:   starts[pqStarts](i32) centroids[dimension*256](f32) codes[count*(pqStarts-1)](u8)
 * CRC32C of every byte before it (u32)
 * </pre>
 *
 * <p>Node {@code n}'s list on level {@code l} is list {@code nodeLists[n] + l}; list {@code i} holds the links from
 * {@code listEnds[i-1]} (0 for the first) to {@code listEnds[i]}, so any list is found without reading the others.
 *
 * <p>The header alone fixes every column's length, so a reader checks that they add up to the object's size
 * before it allocates anything; then it checks the checksum, every list length, link target and end offset. A
 * truncated, bit-flipped or inconsistent segment raises {@link CorruptSegmentException} naming the segment; it never
 * yields an index with wrong contents. Opening still copies the vectors, links and ids onto the heap (bulk copies;
 * attributes stay raw JSON until first used): searching the mapping in place needs {@code MemorySegment}, which is a
 * preview API at {@code --release 21}. (Formats 1 and 2 were row-wise; namespaces never stored them, so they are not
 * read.)
 */
public final class HnswSegments {

    private static final byte[] MAGIC = "ABIHNSW".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 3;
    static final int HEADER = MAGIC.length + 1 + 4 + 1 + 1 + 2 + 4 + 4 + 8 + 4 + 4 + 4 + 1 + 1 + 2 + 4 + 4 + 4 + 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HnswSegments() {}

    /** Serializes the index; in-flight inserts finish first. */
    public static byte[] write(HnswIndex index) {
        State s = index.exportState();
        int n = s.count();
        int dim = s.dimension();
        byte[][] idBytes = new byte[n][];
        byte[][] attrBytes = new byte[n][];
        long idTotal = 0;
        long attrTotal = 0;
        int levelLists = 0;
        long linkTotal = 0;
        for (int node = 0; node < n; node++) {
            idBytes[node] = s.ids()[node].getBytes(StandardCharsets.UTF_8);
            attrBytes[node] = attributeJson(s.attributes()[node]);
            idTotal += idBytes[node].length;
            attrTotal += attrBytes[node].length;
            levelLists += s.links()[node].length;
            for (int[] level : s.links()[node]) {
                linkTotal += level.length;
            }
        }
        ScalarQuantizer sq = s.quantizer();
        ProductQuantizer pq = s.productQuantizer();
        int pqStarts = pq == null ? 0 : pq.startsShared().length;
        Layout layout = new Layout(n, dim, sq != null, pqStarts, levelLists, linkTotal, idTotal, attrTotal);
        if (layout.total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("index too large for one segment (" + layout.total + " bytes)");
        }
        ByteBuffer out = ByteBuffer.allocate((int) layout.total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) FORMAT);
        out.putInt(dim).put((byte) s.metric().ordinal()).put((byte)
                s.params().encoding().ordinal());
        out.putShort((short) s.params().m())
                .putInt(s.params().efConstruction())
                .putInt(s.params().efSearch());
        out.putDouble(s.params().maxTombstoneRatio());
        int liveCount = 0;
        for (int node = 0; node < n; node++) {
            liveCount += s.live()[node] == 1 ? 1 : 0;
        }
        out.putInt(n).putInt(liveCount).putInt(s.entryNode()).put((byte) s.entryLevel());
        out.put((byte) (sq != null ? 1 : 0)).putShort((short) pqStarts);
        out.putInt(levelLists).putInt((int) linkTotal).putInt((int) idTotal).putInt((int) attrTotal);
        out.put(s.live(), 0, n);
        int lists = 0;
        for (int node = 0; node < n; node++) {
            out.putInt(lists);
            lists += s.links()[node].length;
        }
        out.putInt(lists);
        int end = 0;
        for (int node = 0; node < n; node++) {
            for (int[] level : s.links()[node]) {
                end += level.length;
                out.putInt(end);
            }
        }
        IntBuffer links = out.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        for (int node = 0; node < n; node++) {
            for (int[] level : s.links()[node]) {
                links.put(level);
            }
        }
        out.position(out.position() + (int) linkTotal * 4);
        putStrings(out, idBytes);
        putStrings(out, attrBytes);
        putFloats(out, s.norms(), n);
        putFloats(out, s.vectors(), n * dim);
        if (sq != null) {
            putFloats(out, sq.offsetsShared(), dim);
            putFloats(out, sq.stepsShared(), dim);
            out.put(s.codes(), 0, n * dim);
        }
        if (pq != null) {
            for (int start : pq.startsShared()) {
                out.putInt(start);
            }
            putFloats(out, pq.centroidsShared(), dim * ProductQuantizer.CENTROIDS);
            out.put(s.pqCodes(), 0, n * pq.subspaces());
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /**
     * Reads a segment written by {@link #write}.
     *
     * @param name the segment's name, used in errors (for example its object key)
     * @throws CorruptSegmentException naming {@code name} when the checksum or the structure is wrong
     */
    public static HnswIndex read(String name, byte[] data) {
        return read(name, ByteBuffer.wrap(data));
    }

    /**
     * Reads a segment from a buffer, for example a file mapped with {@link java.nio.channels.FileChannel#map}: the
     * columns are bulk-copied out of it, and the buffer is not kept.
     *
     * @throws CorruptSegmentException naming {@code name} when the checksum or the structure is wrong
     */
    public static HnswIndex read(String name, ByteBuffer data) {
        // a slice, so that the layout's offsets (from the segment's first byte) are this buffer's indexes
        ByteBuffer in = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        Header h = header(name, in, true);
        try {
            return HnswIndex.fromState(
                    columns(name, in, h.layout(), h.metric(), h.params(), h.entryNode(), h.entryLevel()));
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new CorruptSegmentException(name, "malformed: " + e);
        }
    }

    /**
     * Everything a segment holds: an index's graph state, copied out under its lock ({@link HnswIndex#exportState()})
     * or read from a segment ({@link HnswIndex#fromState}). {@code attributes} holds maps, or {@link RawAttributes}
     * read from a segment.
     */
    record State(
            int dimension,
            Metric metric,
            HnswParams params,
            int count,
            int entryNode,
            int entryLevel,
            float[] vectors,
            float[] norms,
            String[] ids,
            Object[] attributes,
            int[][][] links,
            byte[] live,
            ScalarQuantizer quantizer,
            byte[] codes,
            ProductQuantizer productQuantizer,
            byte[] pqCodes) {}

    /** A segment's header: its parameters and where each column lies. */
    record Header(
            int dimension,
            Metric metric,
            HnswParams params,
            int liveCount,
            int entryNode,
            int entryLevel,
            Layout layout) {}

    /**
     * Reads and checks the header at {@code in}'s position (leaving it after the header): the magic, the format,
     * the parameters, and that the columns the header describes fill the segment exactly; with
     * {@code verifyChecksum}, also the CRC32C of the whole segment.
     */
    static Header header(String name, ByteBuffer in, boolean verifyChecksum) {
        int size = in.remaining();
        if (size < HEADER + 4) {
            throw new CorruptSegmentException(name, "too short (" + size + " bytes)");
        }
        int base = in.position();
        for (byte b : MAGIC) {
            if (in.get() != b) {
                throw new CorruptSegmentException(name, "not an HNSW segment (bad magic)");
            }
        }
        int format = Byte.toUnsignedInt(in.get());
        if (format != FORMAT) {
            throw new CorruptSegmentException(
                    name, "unknown format version " + format + " (this release reads " + FORMAT + ")");
        }
        int dimension = in.getInt();
        Metric metric = enumAt(Metric.values(), Byte.toUnsignedInt(in.get()), name, "metric");
        VectorEncoding encoding = enumAt(VectorEncoding.values(), Byte.toUnsignedInt(in.get()), name, "encoding");
        HnswParams params;
        try {
            params = new HnswParams(
                    Short.toUnsignedInt(in.getShort()), in.getInt(), in.getInt(), in.getDouble(), encoding);
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(name, "bad parameters: " + e.getMessage());
        }
        int count = in.getInt();
        int liveCount = in.getInt();
        int entryNode = in.getInt();
        int entryLevel = in.get();
        boolean hasInt8 = in.get() != 0;
        int pqStarts = Short.toUnsignedInt(in.getShort());
        int levelLists = in.getInt();
        int linkTotal = in.getInt();
        int idTotal = in.getInt();
        int attrTotal = in.getInt();
        if (dimension < 1
                || count < 0
                || liveCount < 0
                || liveCount > count
                || levelLists < 0
                || linkTotal < 0
                || idTotal < 0
                || attrTotal < 0
                || pqStarts == 1
                || entryNode >= count
                || (count > 0 && (entryNode < 0 || entryLevel < 0))) {
            throw new CorruptSegmentException(name, "header out of range");
        }
        Layout layout = new Layout(count, dimension, hasInt8, pqStarts, levelLists, linkTotal, idTotal, attrTotal);
        if (layout.total != size) {
            throw new CorruptSegmentException(
                    name,
                    "the header describes " + layout.total + " bytes, the segment has " + size
                            + " (truncated or damaged)");
        }
        if (verifyChecksum) {
            CRC32C crc = new CRC32C();
            crc.update(in.duplicate().position(base).limit(base + size - 4));
            if ((int) crc.getValue() != in.getInt(base + size - 4)) {
                throw new CorruptSegmentException(name, "checksum mismatch (damaged)");
            }
        }
        return new Header(dimension, metric, params, liveCount, entryNode, entryLevel, layout);
    }

    private static State columns(
            String name, ByteBuffer in, Layout l, Metric metric, HnswParams params, int entryNode, int entryLevel) {
        int n = l.count;
        byte[] live = new byte[n];
        in.get(live);
        int[] nodeLists = new int[n + 1];
        in.asIntBuffer().get(nodeLists);
        in.position(in.position() + 4 * (n + 1));
        for (int node = 0; node < n; node++) {
            int levels = nodeLists[node + 1] - nodeLists[node];
            if (nodeLists[node] < 0 || levels < 1 || levels > 32) {
                throw new CorruptSegmentException(name, "node " + node + " has " + levels + " levels");
            }
        }
        if (nodeLists[0] != 0
                || nodeLists[n] != l.levelLists
                || (n > 0 && entryLevel >= nodeLists[entryNode + 1] - nodeLists[entryNode])) {
            throw new CorruptSegmentException(name, "level counts do not match the header");
        }
        int[] listEnds = ends(name, in, l.levelLists, l.links, "link list");
        IntBuffer linkColumn = in.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        int[][][] links = new int[n][][];
        int list = 0;
        for (int node = 0; node < n; node++) {
            int[][] levels = new int[nodeLists[node + 1] - nodeLists[node]][];
            for (int level = 0; level < levels.length; level++) {
                int[] targets = new int[listEnds[list] - (list == 0 ? 0 : listEnds[list - 1])];
                list++;
                linkColumn.get(targets);
                for (int t : targets) {
                    if (t < 0 || t >= n) {
                        throw new CorruptSegmentException(
                                name, "node " + node + " links to " + t + ", outside 0.." + (n - 1));
                    }
                }
                levels[level] = targets;
            }
            links[node] = levels;
        }
        in.position(in.position() + l.links * 4);
        String[] ids = new String[n];
        int[] idEnds = ends(name, in, n, l.idBytes, "id");
        byte[] idBlob = new byte[l.idBytes];
        in.get(idBlob);
        for (int node = 0, from = 0; node < n; from = idEnds[node++]) {
            ids[node] = new String(idBlob, from, idEnds[node] - from, StandardCharsets.UTF_8);
        }
        int[] attrEnds = ends(name, in, n, l.attributeBytes, "attribute");
        byte[] attrBlob = new byte[l.attributeBytes];
        in.get(attrBlob);
        Object[] attributes = new Object[n];
        for (int node = 0, from = 0; node < n; from = attrEnds[node++]) {
            int length = attrEnds[node] - from;
            attributes[node] = length == 0 ? Map.of() : new RawAttributes(name, attrBlob, from, length);
        }
        float[] norms = floats(in, n);
        float[] vectors = floats(in, n * l.dimension);
        ScalarQuantizer sq = int8Quantizer(in, l);
        byte[] codes = null;
        if (sq != null) {
            codes = new byte[n * l.dimension];
            in.get((int) l.int8Codes, codes);
        }
        ProductQuantizer pq = productQuantizer(name, in, l);
        byte[] pqCodes = null;
        if (pq != null) {
            pqCodes = new byte[n * pq.subspaces()];
            in.get((int) l.pqCodes, pqCodes);
        }
        return new State(
                l.dimension,
                metric,
                params,
                n,
                entryNode,
                entryLevel,
                vectors,
                norms,
                ids,
                attributes,
                links,
                live,
                sq,
                codes,
                pq,
                pqCodes);
    }

    /** The byte offset of every column from the segment's start, and its total size, from the header alone. */
    static final class Layout {
        final int count;
        final int dimension;
        final boolean int8;
        final int pqStarts;
        final int levelLists;
        final int links;
        final int idBytes;
        final int attributeBytes;
        final long live;
        final long nodeLists;
        final long listEnds;
        final long linkColumn;
        final long idEnds;
        final long ids;
        final long attributeEnds;
        final long attributes;
        final long norms;
        final long vectors;
        final long int8Offsets;
        final long int8Codes;
        final long pqStartColumn;
        final long pqCentroids;
        final long pqCodes;
        final long total;

        Layout(
                int count,
                int dimension,
                boolean int8,
                int pqStarts,
                int levelLists,
                long links,
                long idBytes,
                long attributeBytes) {
            this.count = count;
            this.dimension = dimension;
            this.int8 = int8;
            this.pqStarts = pqStarts;
            this.levelLists = levelLists;
            this.links = (int) Math.min(links, Integer.MAX_VALUE);
            this.idBytes = (int) Math.min(idBytes, Integer.MAX_VALUE);
            this.attributeBytes = (int) Math.min(attributeBytes, Integer.MAX_VALUE);
            long n = count;
            live = HEADER;
            nodeLists = live + n;
            listEnds = nodeLists + 4 * (n + 1);
            linkColumn = listEnds + 4L * levelLists;
            idEnds = linkColumn + 4 * links;
            ids = idEnds + 4 * n;
            attributeEnds = ids + idBytes;
            attributes = attributeEnds + 4 * n;
            norms = attributes + attributeBytes;
            vectors = norms + 4 * n;
            int8Offsets = vectors + 4 * n * dimension;
            int8Codes = int8Offsets + (int8 ? 8L * dimension : 0);
            pqStartColumn = int8Codes + (int8 ? n * dimension : 0);
            pqCentroids = pqStartColumn + 4L * pqStarts;
            pqCodes = pqCentroids + (pqStarts > 0 ? 4L * dimension * ProductQuantizer.CENTROIDS : 0);
            total = pqCodes + (pqStarts > 0 ? n * (pqStarts - 1) : 0) + 4;
        }
    }

    private static byte[] attributeJson(Object attributes) {
        if (attributes instanceof RawAttributes raw) {
            return raw.json();
        }
        Map<?, ?> map = (Map<?, ?>) attributes;
        if (map == null || map.isEmpty()) {
            return new byte[0];
        }
        try {
            return JSON.writeValueAsBytes(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("attributes cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private static void putStrings(ByteBuffer out, byte[][] strings) {
        int end = 0;
        for (byte[] s : strings) {
            end += s.length;
            out.putInt(end);
        }
        for (byte[] s : strings) {
            out.put(s);
        }
    }

    /** Cumulative end offsets, checked to be non-decreasing and to end at {@code total}. */
    private static int[] ends(String name, ByteBuffer in, int n, int total, String what) {
        int[] ends = new int[n];
        in.asIntBuffer().get(ends);
        in.position(in.position() + 4 * n);
        int previous = 0;
        for (int node = 0; node < n; node++) {
            if (ends[node] < previous || ends[node] > total) {
                throw new CorruptSegmentException(name, what + " " + node + " runs outside its column");
            }
            previous = ends[node];
        }
        if (previous != total) {
            throw new CorruptSegmentException(name, what + " column length does not match the header");
        }
        return ends;
    }

    private static void putFloats(ByteBuffer out, float[] values, int n) {
        out.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values, 0, n);
        out.position(out.position() + 4 * n);
    }

    /** The int8 quantizer the segment holds, or null; {@code segment} is indexed from the segment's first byte. */
    static ScalarQuantizer int8Quantizer(ByteBuffer segment, Layout at) {
        return at.int8
                ? new ScalarQuantizer(
                        floatsAt(segment, at.int8Offsets, at.dimension),
                        floatsAt(segment, at.int8Offsets + 4L * at.dimension, at.dimension))
                : null;
    }

    /**
     * The product quantizer the segment holds, or null; {@code segment} is indexed from the segment's first byte.
     *
     * @throws CorruptSegmentException when its subspaces do not rise and cover the dimension
     */
    static ProductQuantizer productQuantizer(String name, ByteBuffer segment, Layout at) {
        if (at.pqStarts == 0) {
            return null;
        }
        int[] starts = new int[at.pqStarts];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = segment.getInt((int) at.pqStartColumn + 4 * i);
            if (i > 0 && starts[i] <= starts[i - 1]) {
                throw new CorruptSegmentException(name, "PQ subspaces are not increasing");
            }
        }
        if (starts[0] != 0 || starts[starts.length - 1] != at.dimension) {
            throw new CorruptSegmentException(name, "PQ subspaces do not cover the dimension");
        }
        return new ProductQuantizer(
                at.dimension, starts, floatsAt(segment, at.pqCentroids, at.dimension * ProductQuantizer.CENTROIDS));
    }

    /** {@code n} little-endian floats at byte {@code offset} of {@code segment}. */
    static float[] floatsAt(ByteBuffer segment, long offset, int n) {
        float[] out = new float[n];
        segment.slice((int) offset, 4 * n)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(out);
        return out;
    }

    private static float[] floats(ByteBuffer in, int n) {
        float[] out = new float[n];
        in.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        in.position(in.position() + 4 * n);
        return out;
    }

    private static <E extends Enum<E>> E enumAt(E[] values, int ordinal, String name, String what) {
        if (ordinal >= values.length) {
            throw new CorruptSegmentException(name, "unknown " + what + " " + ordinal);
        }
        return values[ordinal];
    }
}
