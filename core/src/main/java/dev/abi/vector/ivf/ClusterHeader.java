package dev.abi.vector.ivf;

import dev.abi.vector.CorruptSegmentException;
import dev.abi.vector.Metric;
import dev.abi.vector.ScalarQuantizer;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The header object of a clustered segment: what a reader fetches once. Little-endian; ends with the CRC32C of the
 * bytes before it. Parts are separate objects named after the header's key: {@code .c<n>} cluster blocks,
 * {@code .v<n>} full vectors (in cluster order), {@code .d<n>} the id directory.
 *
 * <pre>
 * int magic "ABIV", int version 1, int dimension, int metric ordinal, int count, int clusters, int buckets
 * float[dimension] quantizer offsets, float[dimension] quantizer steps
 * float[clusters * dimension] centroids
 * per cluster: int size, int blockPart, long blockOffset, int blockLength, int blockCrc, int vectorPart, long vectorOffset
 * per bucket: int part, long offset, int length, int crc
 * int crc32c
 * </pre>
 */
final class ClusterHeader {

    static final int MAGIC = 0x41424956;
    static final int VERSION = 1;

    final int dimension;
    final Metric metric;
    final int count;
    final int clusters;
    final int buckets;
    final ScalarQuantizer quantizer;
    final float[] centroids;
    final int[] size;
    final int[] blockPart;
    final long[] blockOffset;
    final int[] blockLength;
    final int[] blockCrc;
    final int[] vectorPart;
    final long[] vectorOffset;
    final int[] dirPart;
    final long[] dirOffset;
    final int[] dirLength;
    final int[] dirCrc;

    ClusterHeader(
            int dimension,
            Metric metric,
            int count,
            int clusters,
            int buckets,
            ScalarQuantizer quantizer,
            float[] centroids) {
        this.dimension = dimension;
        this.metric = metric;
        this.count = count;
        this.clusters = clusters;
        this.buckets = buckets;
        this.quantizer = quantizer;
        this.centroids = centroids;
        this.size = new int[clusters];
        this.blockPart = new int[clusters];
        this.blockOffset = new long[clusters];
        this.blockLength = new int[clusters];
        this.blockCrc = new int[clusters];
        this.vectorPart = new int[clusters];
        this.vectorOffset = new long[clusters];
        this.dirPart = new int[buckets];
        this.dirOffset = new long[buckets];
        this.dirLength = new int[buckets];
        this.dirCrc = new int[buckets];
    }

    static String blockKey(String key, int part) {
        return key + ".c" + part;
    }

    static String vectorKey(String key, int part) {
        return key + ".v" + part;
    }

    static String dirKey(String key, int part) {
        return key + ".d" + part;
    }

    /** The bucket of the id directory that holds {@code id}. */
    int bucketOf(String id) {
        return (id.hashCode() & 0x7fffffff) % buckets;
    }

    byte[] encode() {
        int bytes = 7 * 4 + 2 * dimension * 4 + centroids.length * 4 + clusters * 36 + buckets * 20 + 4;
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC)
                .putInt(VERSION)
                .putInt(dimension)
                .putInt(metric.ordinal())
                .putInt(count)
                .putInt(clusters)
                .putInt(buckets);
        for (float f : quantizer.offsets()) {
            b.putFloat(f);
        }
        for (float f : quantizer.steps()) {
            b.putFloat(f);
        }
        for (float f : centroids) {
            b.putFloat(f);
        }
        for (int c = 0; c < clusters; c++) {
            b.putInt(size[c])
                    .putInt(blockPart[c])
                    .putLong(blockOffset[c])
                    .putInt(blockLength[c])
                    .putInt(blockCrc[c])
                    .putInt(vectorPart[c])
                    .putLong(vectorOffset[c]);
        }
        for (int k = 0; k < buckets; k++) {
            b.putInt(dirPart[k]).putLong(dirOffset[k]).putInt(dirLength[k]).putInt(dirCrc[k]);
        }
        b.putInt(crc(b.array(), b.position()));
        return b.array();
    }

    /**
     * Parses and checks a header.
     *
     * @throws CorruptSegmentException naming {@code name} when the checksum, magic, version or a bound is wrong
     */
    static ClusterHeader decode(String name, byte[] bytes) {
        if (bytes.length < 8
                || crc(bytes, bytes.length - 4)
                        != ByteBuffer.wrap(bytes, bytes.length - 4, 4)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getInt()) {
            throw new CorruptSegmentException(name, "cluster header fails its CRC32C");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 4).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt() != MAGIC) {
                throw new CorruptSegmentException(name, "not a clustered segment (bad magic)");
            }
            int version = b.getInt();
            if (version != VERSION) {
                throw new CorruptSegmentException(
                        name, "clustered segment version " + version + " is unknown to this release (1 is known)");
            }
            int dimension = positive(name, "dimension", b.getInt());
            int metric = b.getInt();
            if (metric < 0 || metric >= Metric.values().length) {
                throw new CorruptSegmentException(name, "unknown metric " + metric);
            }
            int count = b.getInt();
            int clusters = positive(name, "clusters", b.getInt());
            int buckets = positive(name, "buckets", b.getInt());
            if (count < 0 || (long) clusters * dimension * 4 > bytes.length) {
                throw new CorruptSegmentException(name, "cluster header bounds exceed its " + bytes.length + " bytes");
            }
            float[] offsets = floats(b, dimension);
            float[] steps = floats(b, dimension);
            ScalarQuantizer quantizer;
            try {
                quantizer = ScalarQuantizer.of(offsets, steps);
            } catch (IllegalArgumentException e) {
                throw new CorruptSegmentException(name, "quantizer: " + e.getMessage());
            }
            ClusterHeader h = new ClusterHeader(
                    dimension,
                    Metric.values()[metric],
                    count,
                    clusters,
                    buckets,
                    quantizer,
                    floats(b, clusters * dimension));
            long total = 0;
            for (int c = 0; c < clusters; c++) {
                h.size[c] = b.getInt();
                h.blockPart[c] = b.getInt();
                h.blockOffset[c] = b.getLong();
                h.blockLength[c] = b.getInt();
                h.blockCrc[c] = b.getInt();
                h.vectorPart[c] = b.getInt();
                h.vectorOffset[c] = b.getLong();
                total += h.size[c];
                if (h.size[c] < 0 || h.blockLength[c] < 0 || h.blockOffset[c] < 0 || h.vectorOffset[c] < 0) {
                    throw new CorruptSegmentException(name, "cluster " + c + " has a negative size or offset");
                }
            }
            if (total != count) {
                throw new CorruptSegmentException(name, "clusters hold " + total + " vectors, header says " + count);
            }
            for (int k = 0; k < buckets; k++) {
                h.dirPart[k] = b.getInt();
                h.dirOffset[k] = b.getLong();
                h.dirLength[k] = b.getInt();
                h.dirCrc[k] = b.getInt();
            }
            if (b.hasRemaining()) {
                throw new CorruptSegmentException(name, b.remaining() + " unexpected bytes after the cluster header");
            }
            return h;
        } catch (BufferUnderflowException e) {
            throw new CorruptSegmentException(name, "cluster header is truncated");
        }
    }

    private static int positive(String name, String field, int value) {
        if (value < 1) {
            throw new CorruptSegmentException(name, "cluster header " + field + " is " + value);
        }
        return value;
    }

    private static float[] floats(ByteBuffer b, int n) {
        float[] out = new float[n];
        b.asFloatBuffer().get(out);
        b.position(b.position() + n * 4);
        return out;
    }

    static int crc(byte[] bytes, int length) {
        return crc(bytes, 0, length);
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
