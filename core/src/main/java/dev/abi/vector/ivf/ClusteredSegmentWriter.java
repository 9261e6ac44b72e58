package dev.abi.vector.ivf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.vector.Metric;
import dev.abi.vector.ScalarQuantizer;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorOps;
import dev.abi.vector.VectorOpsProvider;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Writes a clustered segment (layout in {@link ClusterHeader}): trains k-means centroids and an int8 quantizer on a
 * sample, assigns every vector to its nearest centroid, then writes the cluster blocks, the full vectors in cluster
 * order and the id directory as parts of at most {@code partBytes}, and answers the header (which the caller stores
 * last, under the segment's key, so a crash leaves only unreferenced parts for GC). Runs in the indexer.
 *
 * <p>Memory: the vectors are held grouped by cluster until written (about the state's size again, plus the codes);
 * before that, the sample, then, for the splits of the full assignment, a gathered subset of the large clusters'
 * vectors of about the sample's size. The source is visited three times (sample, assignment, copy), and twice more
 * per round of splits of the full assignment (gathering, assignment again; at most {@link #FULL_SPLIT_ROUNDS}).
 */
public final class ClusteredSegmentWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 4096;

    private final int clusters;
    private final int trainingVectors;
    private final int iterations;
    private final int partBytes;
    private final int bucketSize;
    private final long seed;
    private final double maxClusterFactor;
    private final double splitFactor;
    private final VectorOps ops = VectorOpsProvider.get();

    private ClusteredSegmentWriter(Builder b) {
        this.clusters = b.clusters;
        this.trainingVectors = b.trainingVectors;
        this.iterations = b.iterations;
        this.partBytes = b.partBytes;
        this.bucketSize = b.bucketSize;
        this.seed = b.seed;
        this.maxClusterFactor = b.maxClusterFactor;
        this.splitFactor = b.splitFactor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The number of clusters for {@code n} vectors when none is set: the square root, so a cluster holds ~sqrt(n). */
    public static int defaultClusters(int n) {
        return Math.max(1, Math.min(65_536, (int) Math.round(Math.sqrt(n))));
    }

    /**
     * Writes the parts of segment {@code key} through {@code sink}; answers the header's bytes.
     *
     * @throws IllegalArgumentException when the source is empty or a vector has another dimension
     */
    public byte[] write(String key, VectorSource source, int dimension, Metric metric, SegmentSink sink) {
        int n = source.size();
        if (n < 1) {
            throw new IllegalArgumentException("a clustered segment needs at least one vector; source has " + n);
        }
        int k = Math.min(n, clusters > 0 ? clusters : defaultClusters(n));
        int sampleSize = Math.min(n, Math.max(k, trainingVectors));
        float[] sample = sample(source, n, sampleSize, dimension, metric);
        float[] trained = KMeans.train(sample, sampleSize, dimension, k, iterations, seed, ops);
        float[] centroids = splitFactor == Double.POSITIVE_INFINITY
                ? trained
                : KMeans.splitLarge(sample, sampleSize, dimension, trained, k, splitFactor, iterations, seed, ops);
        ScalarQuantizer quantizer = ScalarQuantizer.train(sample, sampleSize, dimension);
        sample = null; // the splits of the full assignment gather their own vectors
        k = centroids.length / dimension;
        double mean = (double) n / k; // of the trained clusters (after the sample's splits): the full splits aim at it
        int[] nearest = new int[n];
        int[] counts = nearest(source, centroids, k, dimension, metric, nearest);
        for (int round = 0; splitFactor != Double.POSITIVE_INFINITY && round < FULL_SPLIT_ROUNDS; round++) {
            Split split = splitHubs(source, centroids, k, dimension, metric, nearest, counts, mean, sampleSize, round);
            if (split == null) {
                break;
            }
            centroids = split.centroids;
            k = centroids.length / dimension;
            counts = maxClusterFactor == Double.POSITIVE_INFINITY
                    ? reassign(source, split, k, dimension, metric, nearest)
                    : nearest(source, centroids, k, dimension, metric, nearest);
        }
        if (Arrays.stream(counts).anyMatch(c -> c == 0)) { // a new centroid no vector is nearest to: dropped
            int[] renumbered = new int[k];
            int kept = 0;
            for (int c = 0; c < k; c++) {
                renumbered[c] = counts[c] == 0 ? -1 : kept++;
            }
            float[] nonEmpty = new float[kept * dimension];
            int[] keptCounts = new int[kept];
            for (int c = 0; c < k; c++) {
                if (renumbered[c] >= 0) {
                    System.arraycopy(centroids, c * dimension, nonEmpty, renumbered[c] * dimension, dimension);
                    keptCounts[renumbered[c]] = counts[c];
                }
            }
            for (int i = 0; i < n; i++) {
                nearest[i] = renumbered[nearest[i]];
            }
            centroids = nonEmpty;
            counts = keptCounts;
            k = kept;
        }
        List<Cluster> assigned = group(source, nearest, counts, k, dimension, metric, quantizer);

        int buckets = Math.max(1, (n + bucketSize - 1) / bucketSize);
        ClusterHeader header = new ClusterHeader(dimension, metric, n, k, buckets, quantizer, centroids);
        Parts blocks = new Parts(key, 'c', sink);
        Parts vectors = new Parts(key, 'v', sink);
        List<ByteArrayOutputStream> dir = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            dir.add(new ByteArrayOutputStream());
        }
        int[] dirCount = new int[buckets];
        for (int c = 0; c < k; c++) {
            Cluster cl = assigned.get(c);
            byte[] block = cl.block(dimension);
            header.size[c] = cl.ids.size();
            header.blockOffset[c] = blocks.append(block);
            header.blockPart[c] = blocks.part;
            header.blockLength[c] = block.length;
            header.blockCrc[c] = ClusterHeader.crc(block, block.length);
            header.vectorOffset[c] = vectors.append(cl.floats);
            header.vectorPart[c] = vectors.part;
            for (int i = 0; i < cl.ids.size(); i++) {
                String id = cl.ids.get(i);
                int b = header.bucketOf(id);
                byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
                ByteBuffer e = ByteBuffer.allocate(2 + idBytes.length + 8).order(ByteOrder.LITTLE_ENDIAN);
                e.putShort((short) idBytes.length).put(idBytes).putInt(c).putInt(i);
                dir.get(b).writeBytes(e.array());
                dirCount[b]++;
            }
            assigned.set(c, null); // written: let it go
        }
        blocks.flush();
        vectors.flush();
        Parts dirParts = new Parts(key, 'd', sink);
        for (int b = 0; b < buckets; b++) {
            byte[] entries = dir.get(b).toByteArray();
            byte[] bucket = ByteBuffer.allocate(4 + entries.length)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(dirCount[b])
                    .put(entries)
                    .array();
            dir.set(b, null);
            header.dirOffset[b] = dirParts.append(bucket);
            header.dirPart[b] = dirParts.part;
            header.dirLength[b] = bucket.length;
            header.dirCrc[b] = ClusterHeader.crc(bucket, bucket.length);
        }
        dirParts.flush();
        return header.encode();
    }

    private float[] sample(VectorSource source, int n, int sampleSize, int dim, Metric metric) {
        float[] sample = new float[sampleSize * dim];
        Random random = new Random(seed);
        int[] seen = {0};
        source.forEach(v -> {
            int i = seen[0]++;
            int slot = i < sampleSize ? i : random.nextInt(i + 1); // reservoir sampling
            if (slot < sampleSize) {
                checkDimension(v, dim);
                System.arraycopy(prepared(v.values(), metric), 0, sample, slot * dim, dim);
            }
        });
        if (seen[0] != n) {
            throw new IllegalArgumentException("source visited " + seen[0] + " vectors, said " + n);
        }
        return sample;
    }

    /** The nearest centroid of every vector (in parallel batches) into {@code nearest}; answers the clusters' sizes. */
    private int[] nearest(VectorSource source, float[] centroids, int k, int dim, Metric metric, int[] nearest) {
        int[] counts = new int[k];
        // k-means can make a few huge "hub" clusters that attract queries too; a cap (off by default) bounds the
        // bytes a query reads: a vector whose nearest cluster is full goes to the nearest of its next ones with room
        long cap = (long) Math.ceil(maxClusterFactor * source.size() / k);
        int choices = Math.min(k, 8);
        List<float[]> batch = new ArrayList<>(BATCH);
        int[] next = {0};
        Runnable drain = () -> {
            int first = next[0];
            int[][] ranked = new int[batch.size()][];
            IntStream.range(0, batch.size())
                    .parallel()
                    .forEach(i -> ranked[i] =
                            KMeans.nearestFew(ops, centroids, k, dim, prepared(batch.get(i), metric), choices));
            for (int i = 0; i < batch.size(); i++) {
                int chosen = -1;
                for (int c : ranked[i]) {
                    if (counts[c] < cap) {
                        chosen = c;
                        break;
                    }
                }
                if (chosen < 0) { // its nearest clusters are all full: the nearest with room, by a full scan
                    chosen = nearestWithRoom(prepared(batch.get(i), metric), centroids, k, dim, counts, cap);
                }
                nearest[first + i] = chosen;
                counts[chosen]++;
            }
            next[0] += batch.size();
            batch.clear();
        };
        source.forEach(v -> {
            checkDimension(v, dim);
            if (next[0] + batch.size() >= nearest.length) {
                throw new IllegalArgumentException("source visited more vectors than its size " + nearest.length);
            }
            batch.add(v.values());
            if (batch.size() == BATCH) {
                drain.run();
            }
        });
        drain.run();
        if (next[0] != nearest.length) {
            throw new IllegalArgumentException("source visited " + next[0] + " vectors, said " + nearest.length);
        }
        return counts;
    }

    /** Rounds of {@link #splitHubs}: each costs two passes over the source and one more assignment. */
    static final int FULL_SPLIT_ROUNDS = 3;

    /**
     * The centroids with every cluster of the full assignment that holds more than {@code splitFactor * mean}
     * vectors replaced by centroids trained on its own vectors ({@link KMeans#splitMembers}), and clusters no vector
     * is nearest to dropped; null when no cluster is that large. The splits of {@link KMeans#splitLarge} see only the
     * sample, and the whole set makes hubs again (on the 1M x 768 benchmark set, 20 times the sample, the largest
     * cluster was 9 times the mean); the caller assigns every vector again to the nearest of the new centroids, so
     * each vector stays at its nearest centroid (moving vectors away from it loses neighbours, as the cap does).
     * Memory: the large clusters' vectors are gathered by a pass over the source, every {@code stride}th of each,
     * at most about {@code budget} vectors in all (the sample's size, released before) unless that would leave
     * fewer than 32 per part.
     */
    private Split splitHubs(
            VectorSource source,
            float[] centroids,
            int k,
            int dim,
            Metric metric,
            int[] nearest,
            int[] counts,
            double mean,
            int budget,
            int round) {
        double limit = splitFactor * mean;
        long hubMembers = 0;
        for (int c = 0; c < k; c++) {
            if (counts[c] > limit && counts[c] >= 2) {
                hubMembers += counts[c];
            }
        }
        if (hubMembers == 0) {
            return null;
        }
        int stride = (int) Math.max(1, Math.min((hubMembers + budget - 1) / budget, (long) (mean / 32)));
        int[] slot = new int[k];
        int total = 0;
        for (int c = 0; c < k; c++) {
            slot[c] = -1;
            if (counts[c] > limit && counts[c] >= 2) {
                slot[c] = total;
                total += (counts[c] + stride - 1) / stride;
            }
        }
        float[] members = new float[Math.multiplyExact(total, dim)];
        int[] seen = new int[k];
        int[] at = {0};
        source.forEach(v -> {
            int i = at[0]++;
            if (i >= nearest.length) {
                throw new IllegalArgumentException("source visited more vectors than its size " + nearest.length);
            }
            int c = nearest[i];
            if (slot[c] >= 0 && seen[c]++ % stride == 0) {
                checkDimension(v, dim);
                System.arraycopy(
                        prepared(v.values(), metric), 0, members, (slot[c] + (seen[c] - 1) / stride) * dim, dim);
            }
        });
        List<float[]> out = new ArrayList<>(k);
        int[] kept = new int[k];
        for (int c = 0; c < k; c++) { // the clusters kept first, under their new numbers
            kept[c] = -1;
            if (counts[c] > 0 && slot[c] < 0) {
                kept[c] = out.size();
                out.add(java.util.Arrays.copyOfRange(centroids, c * dim, (c + 1) * dim));
            }
        }
        int firstNew = out.size();
        for (int c = 0; c < k; c++) {
            if (slot[c] < 0) {
                continue;
            }
            int taken = (counts[c] + stride - 1) / stride;
            float[] own = java.util.Arrays.copyOfRange(members, slot[c] * dim, (slot[c] + taken) * dim);
            float[] sub = KMeans.splitMembers(
                    own,
                    taken,
                    dim,
                    mean * taken / counts[c],
                    splitFactor,
                    iterations,
                    seed * 1_000_003L + 7919L * round + c,
                    ops);
            for (int j = 0; j < sub.length / dim; j++) {
                out.add(java.util.Arrays.copyOfRange(sub, j * dim, (j + 1) * dim));
            }
        }
        return new Split(KMeans.concat(out, dim), kept, firstNew);
    }

    /**
     * The centroids after {@link #splitHubs}: those kept (old cluster {@code c} is now {@code kept[c]}, or -1 when it
     * was split or empty) before the new ones, which start at {@code firstNew}.
     */
    private record Split(float[] centroids, int[] kept, int firstNew) {}

    /**
     * {@link #nearest} after a split, reading fewer centroids: a vector whose cluster was kept is nearer to it than to
     * any other kept centroid, so only the new centroids can be nearer; a vector of a split cluster is compared with
     * all of them. Answers the clusters' sizes.
     */
    private int[] reassign(VectorSource source, Split split, int k, int dim, Metric metric, int[] nearest) {
        int[] counts = new int[k];
        float[] centroids = split.centroids;
        List<float[]> batch = new ArrayList<>(BATCH);
        int[] next = {0};
        Runnable drain = () -> {
            int first = next[0];
            IntStream.range(0, batch.size()).parallel().forEach(i -> {
                float[] v = prepared(batch.get(i), metric);
                int kept = split.kept[nearest[first + i]];
                int best = kept;
                float bestDistance =
                        kept < 0 ? Float.POSITIVE_INFINITY : ops.squaredDistance(v, 0, centroids, kept * dim, dim);
                for (int c = kept < 0 ? 0 : split.firstNew; c < k; c++) {
                    float d = ops.squaredDistance(v, 0, centroids, c * dim, dim);
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = c;
                    }
                }
                nearest[first + i] = best;
            });
            for (int i = 0; i < batch.size(); i++) {
                counts[nearest[first + i]]++;
            }
            next[0] += batch.size();
            batch.clear();
        };
        source.forEach(v -> {
            checkDimension(v, dim);
            if (next[0] + batch.size() >= nearest.length) {
                throw new IllegalArgumentException("source visited more vectors than its size " + nearest.length);
            }
            batch.add(v.values());
            if (batch.size() == BATCH) {
                drain.run();
            }
        });
        drain.run();
        if (next[0] != nearest.length) {
            throw new IllegalArgumentException("source visited " + next[0] + " vectors, said " + nearest.length);
        }
        return counts;
    }

    /**
     * With each cluster's size known, the vectors copied into arrays of exactly that size (no growing buffers: the
     * state's size again, not twice).
     */
    private List<Cluster> group(
            VectorSource source,
            int[] nearest,
            int[] counts,
            int k,
            int dim,
            Metric metric,
            ScalarQuantizer quantizer) {
        List<Cluster> out = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            out.add(new Cluster(counts[c], dim));
        }
        int[] at = {0};
        source.forEach(v -> out.get(nearest[at[0]++]).add(v, prepared(v.values(), metric), quantizer, dim));
        return out;
    }

    private int nearestWithRoom(float[] v, float[] centroids, int k, int dim, int[] counts, long cap) {
        int best = -1;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            if (counts[c] < cap) {
                float d = ops.squaredDistance(v, 0, centroids, c * dim, dim);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
        }
        return best; // some cluster has room: the caps add up to at least the vector count
    }

    private static void checkDimension(StoredVector v, int dim) {
        if (v.values().length != dim) {
            throw new IllegalArgumentException(
                    "vector " + v.id() + " has " + v.values().length + " dimensions; segment has " + dim);
        }
    }

    /** What clustering and codes see: the unit vector for cosine, the vector itself otherwise. */
    static float[] prepared(float[] v, Metric metric) {
        if (metric != Metric.COSINE) {
            return v;
        }
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        if (sum == 0) {
            return v;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int d = 0; d < v.length; d++) {
            out[d] = v[d] * inv;
        }
        return out;
    }

    /** One cluster's vectors while they are assigned, in arrays of the cluster's size. */
    private static final class Cluster {
        final byte[] codes;
        final byte[] floats;
        final byte[] crcs;
        final List<String> ids;
        final List<byte[]> attributes;
        private final ByteBuffer floatView;
        private int size;

        Cluster(int count, int dim) {
            codes = new byte[count * dim];
            floats = new byte[Math.multiplyExact(count, dim * 4)];
            crcs = new byte[count * 4];
            ids = new ArrayList<>(count);
            attributes = new ArrayList<>(count);
            floatView = ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN);
        }

        void add(StoredVector v, float[] prepared, ScalarQuantizer quantizer, int dim) {
            if (size * dim >= codes.length) {
                throw new IllegalArgumentException(
                        "source visited other vectors on its second pass (at " + v.id() + ")");
            }
            quantizer.encode(prepared, 0, codes, size * dim);
            int from = size * dim * 4;
            for (int d = 0; d < dim; d++) {
                floatView.putFloat(from + d * 4, v.values()[d]);
            }
            ByteBuffer.wrap(crcs)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(size * 4, ClusterHeader.crc(floats, from, dim * 4));
            if (v.id().getBytes(StandardCharsets.UTF_8).length > 0xffff) {
                throw new IllegalArgumentException(
                        "id of " + v.id().length() + " characters is too long for a segment");
            }
            ids.add(v.id());
            try {
                attributes.add(
                        v.attributes() == null || v.attributes().isEmpty()
                                ? new byte[0]
                                : JSON.writeValueAsBytes(v.attributes()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("attributes of " + v.id() + " cannot be written as JSON", e);
            }
            size++;
        }

        /** codes, vector CRCs, ids (u16 length + UTF-8), attributes (int length + JSON). */
        byte[] block(int dim) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(codes.length + crcs.length + ids.size() * 24);
            out.writeBytes(codes);
            out.writeBytes(crcs);
            for (String id : ids) {
                byte[] b = id.getBytes(StandardCharsets.UTF_8);
                out.write(b.length & 0xff);
                out.write(b.length >>> 8);
                out.writeBytes(b);
            }
            for (byte[] a : attributes) {
                out.writeBytes(ByteBuffer.allocate(4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(a.length)
                        .array());
                out.writeBytes(a);
            }
            return out.toByteArray();
        }
    }

    /** Appends ranges to part objects of at most {@code partBytes} (larger ranges get a part of their own). */
    private final class Parts {
        final String key;
        final char kind;
        final SegmentSink sink;
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        int part;

        Parts(String key, char kind, SegmentSink sink) {
            this.key = key;
            this.kind = kind;
            this.sink = sink;
        }

        /** Appends {@code bytes} to the current part (after starting a new one if it would overflow); its offset. */
        long append(byte[] bytes) {
            if (current.size() > 0 && (long) current.size() + bytes.length > partBytes) {
                flush();
                part++;
            }
            long at = current.size();
            current.writeBytes(bytes);
            return at;
        }

        void flush() {
            if (current.size() > 0) {
                sink.put(key + "." + kind + part, current.toByteArray());
                current = new ByteArrayOutputStream();
            }
        }
    }

    /** Options of a {@link ClusteredSegmentWriter}. */
    public static final class Builder {
        private int clusters;
        private int trainingVectors = 50_000;
        private int iterations = 8;
        private int partBytes = 64 << 20;
        private int bucketSize = 512;
        private long seed = 21;
        private double maxClusterFactor = Double.POSITIVE_INFINITY;
        private double splitFactor = 1.25;

        /**
         * Splits every trained cluster holding more than {@code factor} times the mean share of the training sample
         * into clusters of about the mean size, trained on its own vectors, and splits the parts again while any is
         * still larger (default 1.25; infinity for none; the cluster count grows). Then, as the sample misses hubs
         * of the whole set, every cluster of the full assignment holding more than {@code factor} times the mean of
         * the clusters so trained is split the same way on its own vectors and every vector assigned again (up to
         * {@link ClusteredSegmentWriter#FULL_SPLIT_ROUNDS} rounds). Unlike {@link #maxClusterFactor}, every vector
         * still goes to its nearest centroid. On the 1M x 768 benchmark set one split round at factor 2 took a cold
         * query from 228 MB to 161 MB read; the repeated splits at 1.25 are measured in docs/benchmarks/storage.md.
         */
        public Builder splitFactor(double factor) {
            if (!(factor >= 1.0)) {
                throw new IllegalArgumentException("splitFactor must be at least 1; got " + factor);
            }
            this.splitFactor = factor;
            return this;
        }

        /**
         * Largest cluster as a multiple of the mean size (default: no cap, plain nearest-centroid assignment). A cap
         * bounds the bytes a query reads but moves vectors away from their nearest centroid: on the 1M x 768
         * benchmark set a cap of 2 cut recall@10 from 0.94 to 0.37 (docs/benchmarks/storage.md).
         */
        public Builder maxClusterFactor(double factor) {
            if (!(factor >= 1.0)) {
                throw new IllegalArgumentException("maxClusterFactor must be at least 1; got " + factor);
            }
            this.maxClusterFactor = factor;
            return this;
        }

        /** Clusters to build; 0 (default) for {@link #defaultClusters}. */
        public Builder clusters(int clusters) {
            this.clusters = requireAtLeast("clusters", clusters, 0);
            return this;
        }

        /** Vectors sampled to train centroids and quantizer (default 50,000). */
        public Builder trainingVectors(int n) {
            this.trainingVectors = requireAtLeast("trainingVectors", n, 1);
            return this;
        }

        /** k-means rounds (default 8). */
        public Builder iterations(int n) {
            this.iterations = requireAtLeast("iterations", n, 0);
            return this;
        }

        /** Largest part object, in bytes (default 64 MiB); a single larger cluster gets a part of its own. */
        public Builder partBytes(int bytes) {
            this.partBytes = requireAtLeast("partBytes", bytes, 1);
            return this;
        }

        /** Average ids per bucket of the id directory (default 512). */
        public Builder bucketSize(int n) {
            this.bucketSize = requireAtLeast("bucketSize", n, 1);
            return this;
        }

        /** Seed of sampling and k-means (default 21: builds are reproducible). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public ClusteredSegmentWriter build() {
            return new ClusteredSegmentWriter(this);
        }

        private static int requireAtLeast(String field, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(field + " must be at least " + min + "; got " + value);
            }
            return value;
        }
    }
}
