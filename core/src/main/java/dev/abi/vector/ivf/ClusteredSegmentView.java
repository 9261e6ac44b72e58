package dev.abi.vector.ivf;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.vector.CorruptSegmentException;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import dev.abi.vector.SearchHit;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorOps;
import dev.abi.vector.VectorOpsProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A clustered segment searched where it lies: the header is held, clusters and vectors are read by range through a
 * {@link RangeReader} (a {@link RangeCache} in front of the object store). A search reads the {@code nprobe} clusters
 * nearest the query in parallel, scores their int8 codes, and re-ranks the best candidates on their full vectors,
 * also read in parallel. Every range read is checked against the CRC32C the header (clusters, directory buckets) or
 * the cluster (each vector) recorded; a mismatch is read once more past the cache, then is a
 * {@link CorruptSegmentException}. Thread-safe.
 */
public final class ClusteredSegmentView {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** Bytes of parsed blocks a view keeps, most recently used first ({@code abi.cache.parsed-bytes}, 256 MiB). */
    private static final long PARSED_BUDGET = Long.getLong("abi.cache.parsed-bytes", 256L << 20);

    private final String name;
    private final ClusterHeader h;
    private final java.util.LinkedHashMap<Integer, Block> parsed = new java.util.LinkedHashMap<>(64, 0.75f, true);
    private long parsedBytes;
    private final RangeReader reader;
    private final Executor executor;
    private final Effort effort;
    private final VectorOps ops = VectorOpsProvider.get();
    private final float[] steps;

    private ClusteredSegmentView(String name, ClusterHeader h, RangeReader reader, Executor executor, Effort effort) {
        this.name = name;
        this.h = h;
        this.reader = reader;
        this.executor = executor;
        this.effort = effort;
        this.steps = h.quantizer.steps();
    }

    /**
     * Opens the segment whose header object {@code name} holds {@code header}.
     *
     * @param executor where range reads run in parallel (I/O bound: virtual threads suit)
     * @throws CorruptSegmentException when the header fails its checks
     */
    public static ClusteredSegmentView open(
            String name, byte[] header, RangeReader reader, Executor executor, Effort effort) {
        return new ClusteredSegmentView(name, ClusterHeader.decode(name, header), reader, executor, effort);
    }

    public String name() {
        return name;
    }

    public int dimension() {
        return h.dimension;
    }

    public Metric metric() {
        return h.metric;
    }

    /** Vectors stored in the segment (hidden ones included). */
    public int size() {
        return h.count;
    }

    public int clusters() {
        return h.clusters;
    }

    /** Vectors in each cluster, in cluster order (a copy). */
    public int[] clusterSizes() {
        return h.size.clone();
    }

    /** The effort searches use unless told otherwise. */
    public Effort effort() {
        return effort;
    }

    /** As {@link #search(float[], int, Filter, Predicate, Effort)} with the view's effort. */
    public List<SearchHit> search(float[] query, int topK, Filter filter, Predicate<String> hidden) {
        return search(query, topK, filter, hidden, effort);
    }

    /**
     * The {@code topK} closest stored vectors that match {@code filter} and are not {@code hidden}, by exact distance
     * among the candidates of the probed clusters. With a filter, when the probed clusters hold fewer than
     * {@code topK} matches, twice as many clusters are probed, until all are.
     */
    public List<SearchHit> search(float[] query, int topK, Filter filter, Predicate<String> hidden, Effort effort) {
        if (query.length != h.dimension) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions; segment has " + h.dimension);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1; got " + topK);
        }
        float[] q = ClusteredSegmentWriter.prepared(query, h.metric);
        int[] order = nearestClusters(q);
        Scorer scorer = new Scorer(q);
        int keep = Math.max(effort.rerank(), topK);
        PriorityQueue<Candidate> best = new PriorityQueue<>(
                Comparator.comparingDouble(Candidate::approx).reversed());
        int done = 0;
        int probes = effort.probesFor(h.clusters);
        while (true) {
            List<Block> blocks = blocks(order, done, probes);
            for (Block b : blocks) {
                scorer.score(b, filter, hidden, best, keep);
            }
            done = probes;
            if (filter == Filter.ALL || best.size() >= topK || done == h.clusters) {
                break;
            }
            probes = (int) Math.min(h.clusters, probes * 2L);
        }
        List<Candidate> candidates = new ArrayList<>(best);
        List<float[]> vectors = parallel(candidates, c -> vector(c.block, c.position));
        List<SearchHit> hits = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            hits.add(new SearchHit(
                    candidates.get(i).block.id(candidates.get(i).position), exact(query, vectors.get(i))));
        }
        hits.sort(Comparator.comparingDouble(SearchHit::distance).thenComparing(SearchHit::id));
        return hits.size() > topK ? List.copyOf(hits.subList(0, topK)) : hits;
    }

    /**
     * The blocks of clusters {@code order[from..to)}: those parsed lately on the caller's thread (a warm query hands
     * nothing to the executor), the others read in parallel.
     */
    private List<Block> blocks(int[] order, int from, int to) {
        List<Block> out = new ArrayList<>(to - from);
        List<Integer> missing = new ArrayList<>();
        synchronized (parsed) {
            for (int i = from; i < to; i++) {
                Block b = parsed.get(order[i]);
                if (b != null) {
                    out.add(b);
                } else {
                    missing.add(order[i]);
                }
            }
        }
        if (!missing.isEmpty()) {
            out.addAll(parallel(missing, this::block));
        }
        return out;
    }

    /** Whether the segment stores {@code id} (one directory bucket read). */
    public boolean contains(String id) {
        return locate(id) != null;
    }

    /** How many of {@code ids} the segment stores: their directory buckets read in parallel, each once. */
    public int countStored(java.util.Collection<String> ids) {
        Map<Integer, Set<String>> byBucket = new java.util.HashMap<>();
        for (String id : ids) {
            byBucket.computeIfAbsent(h.bucketOf(id), k -> new java.util.HashSet<>())
                    .add(id);
        }
        List<Integer> counts = parallel(List.copyOf(byBucket.entrySet()), e -> {
            int n = 0;
            for (String id : e.getValue()) {
                n += locate(id) != null ? 1 : 0; // the bucket is read once, then answered by the cache
            }
            return n;
        });
        return counts.stream().mapToInt(Integer::intValue).sum();
    }

    /** The stored vector {@code id} (a directory bucket, its cluster and its vector read), if the segment has it. */
    public Optional<StoredVector> get(String id) {
        int[] at = locate(id);
        if (at == null) {
            return Optional.empty();
        }
        Block b = block(at[0]);
        return Optional.of(new StoredVector(id, vector(b, at[1]), b.attributes(at[1])));
    }

    /** Visits every stored vector that is not {@code hidden}, cluster by cluster (one block and one run read each). */
    public void forEach(Predicate<String> hidden, Consumer<StoredVector> visitor) {
        for (int c = 0; c < h.clusters; c++) {
            Block b = block(c);
            int bytesPerVector = h.dimension * 4;
            byte[] run = reader.read(
                    ClusterHeader.vectorKey(name, h.vectorPart[c]), h.vectorOffset[c], b.size * bytesPerVector);
            for (int i = 0; i < b.size; i++) {
                if (hidden.test(b.id(i))) {
                    continue;
                }
                if (run.length < (i + 1) * bytesPerVector
                        || ClusterHeader.crc(run, i * bytesPerVector, bytesPerVector) != b.vectorCrc(i)) {
                    throw new CorruptSegmentException(
                            name, "vector " + b.id(i) + " of cluster " + c + " fails its CRC32C");
                }
                visitor.accept(
                        new StoredVector(b.id(i), floats(run, i * bytesPerVector, h.dimension), b.attributes(i)));
            }
        }
    }

    /** Clusters by the distance of their centroid to {@code q} (by inner product for dot), nearest first. */
    private int[] nearestClusters(float[] q) {
        long[] keyed = new long[h.clusters];
        for (int c = 0; c < h.clusters; c++) {
            // dot product: the largest inner product with the centroid first; else the nearest centroid
            float d = h.metric == Metric.DOT
                    ? -ops.dot(q, 0, h.centroids, c * h.dimension, h.dimension)
                    : ops.squaredDistance(q, 0, h.centroids, c * h.dimension, h.dimension);
            int bits = Float.floatToIntBits(d);
            int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff; // floats as ints in the same order, negatives too
            keyed[c] = ((long) sortable << 32) | c;
        }
        Arrays.sort(keyed);
        int[] order = new int[h.clusters];
        for (int c = 0; c < h.clusters; c++) {
            order[c] = (int) keyed[c];
        }
        return order;
    }

    private float exact(float[] query, float[] v) {
        return switch (h.metric) {
            case L2 -> (float) Math.sqrt(ops.squaredDistance(query, 0, v, 0, h.dimension));
            case DOT -> -ops.dot(query, 0, v, 0, h.dimension);
            case COSINE -> {
                float dot = ops.dot(query, 0, v, 0, h.dimension);
                float den = (float) Math.sqrt(ops.dot(query, 0, query, 0, h.dimension))
                        * (float) Math.sqrt(ops.dot(v, 0, v, 0, h.dimension));
                yield den == 0f ? 1f : 1f - dot / den; // a zero vector has no direction, as in the flat index
            }
        };
    }

    private <T, R> List<R> parallel(List<T> items, Function<T, R> task) {
        if (items.size() == 1) {
            return List.of(task.apply(items.get(0)));
        }
        List<CompletableFuture<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(CompletableFuture.supplyAsync(() -> task.apply(item), executor));
        }
        List<R> out = new ArrayList<>(items.size());
        for (CompletableFuture<R> f : futures) {
            try {
                out.add(f.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return out;
    }

    /**
     * The checked block of cluster {@code c}: from the blocks this view parsed lately, else read (through the cache)
     * and checked. Keeping parsed blocks spares a warm query the CRC32C and id parsing of every probed cluster.
     */
    Block block(int c) {
        synchronized (parsed) {
            Block b = parsed.get(c);
            if (b != null) {
                return b;
            }
        }
        byte[] bytes = verified(
                ClusterHeader.blockKey(name, h.blockPart[c]),
                h.blockOffset[c],
                h.blockLength[c],
                h.blockCrc[c],
                "cluster " + c);
        Block b = Block.parse(name, c, bytes, h.size[c], h.dimension);
        synchronized (parsed) {
            if (parsed.put(c, b) == null) {
                parsedBytes += bytes.length;
            }
            var eldest = parsed.values().iterator();
            while (parsedBytes > PARSED_BUDGET && eldest.hasNext()) {
                parsedBytes -= eldest.next().bytes.length;
                eldest.remove();
            }
        }
        return b;
    }

    private float[] vector(Block b, int position) {
        int length = h.dimension * 4;
        byte[] bytes = verified(
                ClusterHeader.vectorKey(name, h.vectorPart[b.cluster]),
                h.vectorOffset[b.cluster] + (long) position * length,
                length,
                b.vectorCrc(position),
                "vector " + b.id(position) + " of cluster " + b.cluster);
        return floats(bytes, 0, h.dimension);
    }

    /** {cluster, position} of {@code id}, or null. */
    private int[] locate(String id) {
        int k = h.bucketOf(id);
        byte[] bucket = verified(
                ClusterHeader.dirKey(name, h.dirPart[k]),
                h.dirOffset[k],
                h.dirLength[k],
                h.dirCrc[k],
                "id directory bucket " + k);
        ByteBuffer b = ByteBuffer.wrap(bucket).order(ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = id.getBytes(StandardCharsets.UTF_8);
        int n = b.getInt();
        for (int i = 0; i < n; i++) {
            int len = Short.toUnsignedInt(b.getShort());
            boolean same =
                    len == wanted.length && Arrays.equals(bucket, b.position(), b.position() + len, wanted, 0, len);
            b.position(b.position() + len);
            int cluster = b.getInt();
            int position = b.getInt();
            if (same) {
                return new int[] {cluster, position};
            }
        }
        return null;
    }

    private byte[] verified(String key, long offset, int length, int crc, String what) {
        byte[] bytes = reader.read(key, offset, length);
        if (bytes.length == length && ClusterHeader.crc(bytes, length) == crc) {
            return bytes;
        }
        reader.evict(key, offset, length); // a bad cached copy: read the store itself once
        bytes = reader.read(key, offset, length);
        if (bytes.length != length || ClusterHeader.crc(bytes, length) != crc) {
            throw new CorruptSegmentException(
                    name, what + " fails its CRC32C (" + bytes.length + " of " + length + " bytes read)");
        }
        return bytes;
    }

    private static float[] floats(byte[] bytes, int offset, int n) {
        float[] out = new float[n];
        ByteBuffer.wrap(bytes, offset, n * 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(out);
        return out;
    }

    /** A candidate: its cluster's block, its position there, and its distance by codes. */
    private record Candidate(Block block, int position, float approx) {}

    /** Scores codes against one query: the query folded into the quantizer's offsets and steps once. */
    private final class Scorer {
        private final float[] u;
        private final float constant;
        private final float[] four = new float[4];

        Scorer(float[] q) {
            float[] offsets = h.quantizer.offsets();
            u = new float[h.dimension];
            if (h.metric == Metric.L2) {
                for (int d = 0; d < h.dimension; d++) {
                    u[d] = q[d] - offsets[d]; // |q - (o + s*c)|^2 = |(q - o) - s*c|^2
                }
                constant = 0;
            } else {
                float dotOffsets = 0;
                for (int d = 0; d < h.dimension; d++) {
                    u[d] = q[d] * steps[d]; // q.(o + s*c) = q.o + (q*s).c
                    dotOffsets += q[d] * offsets[d];
                }
                constant = dotOffsets;
            }
        }

        /** Approximate distances of four codes at a time ({@code ops}' int8 kernels), then the bounded heap. */
        void score(Block b, Filter filter, Predicate<String> hidden, PriorityQueue<Candidate> best, int keep) {
            int dim = h.dimension;
            int i = 0;
            for (; i + 3 < b.size; i += 4) {
                int at = i * dim;
                if (h.metric == Metric.L2) {
                    ops.squaredDistanceInt8x4(
                            u, steps, b.bytes, at, at + dim, at + 2 * dim, at + 3 * dim, dim, four, 0);
                } else {
                    ops.dotInt8x4(u, b.bytes, at, at + dim, at + 2 * dim, at + 3 * dim, dim, four, 0);
                    float base = (h.metric == Metric.COSINE ? 1f : 0f) - constant;
                    for (int j = 0; j < 4; j++) {
                        four[j] = base - four[j];
                    }
                }
                for (int j = 0; j < 4; j++) {
                    offer(b, i + j, four[j], filter, hidden, best, keep);
                }
            }
            for (; i < b.size; i++) {
                int at = i * dim;
                float approx = h.metric == Metric.L2
                        ? ops.squaredDistanceInt8(u, steps, b.bytes, at, dim)
                        : (h.metric == Metric.COSINE ? 1f : 0f) - (constant + ops.dotInt8(u, b.bytes, at, dim));
                offer(b, i, approx, filter, hidden, best, keep);
            }
        }

        private void offer(
                Block b,
                int i,
                float approx,
                Filter filter,
                Predicate<String> hidden,
                PriorityQueue<Candidate> best,
                int keep) {
            if (best.size() >= keep && approx >= best.peek().approx()) {
                return;
            }
            if (hidden.test(b.id(i)) || (filter != Filter.ALL && !filter.matches(b.attributes(i)))) {
                return;
            }
            best.add(new Candidate(b, i, approx));
            if (best.size() > keep) {
                best.poll();
            }
        }
    }

    /**
     * A cluster's block, parsed: codes, vector CRCs, and where each id and each one's attributes lie (ids are decoded
     * when asked for: a query needs only its candidates', and a parsed block holds no strings).
     */
    static final class Block {
        final int cluster;
        final int size;
        final byte[] bytes;
        private final int crcAt;
        private final int[] idAt;
        private final int[] attributesAt;
        private final String segment;

        private Block(String segment, int cluster, int size, byte[] bytes, int crcAt, int[] idAt, int[] attributesAt) {
            this.segment = segment;
            this.cluster = cluster;
            this.size = size;
            this.bytes = bytes;
            this.crcAt = crcAt;
            this.idAt = idAt;
            this.attributesAt = attributesAt;
        }

        static Block parse(String segment, int cluster, byte[] bytes, int size, int dim) {
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                int crcAt = size * dim;
                b.position(crcAt + size * 4);
                int[] idAt = new int[size];
                for (int i = 0; i < size; i++) {
                    idAt[i] = b.position();
                    int len = Short.toUnsignedInt(b.getShort());
                    b.position(b.position() + len);
                }
                int[] attributesAt = new int[size];
                for (int i = 0; i < size; i++) {
                    attributesAt[i] = b.position();
                    b.position(b.position() + 4 + b.getInt());
                }
                return new Block(segment, cluster, size, bytes, crcAt, idAt, attributesAt);
            } catch (RuntimeException e) { // underflow or a negative position: lengths that do not fit
                throw new CorruptSegmentException(segment, "cluster " + cluster + " block is malformed: " + e);
            }
        }

        /** The id of vector {@code i}. */
        String id(int i) {
            int at = idAt[i];
            int len = (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
            return new String(bytes, at + 2, len, StandardCharsets.UTF_8);
        }

        int vectorCrc(int i) {
            return ByteBuffer.wrap(bytes, crcAt + i * 4, 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getInt();
        }

        Map<String, Object> attributes(int i) {
            int len = ByteBuffer.wrap(bytes, attributesAt[i], 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getInt();
            if (len == 0) {
                return Map.of();
            }
            try {
                return JSON.readValue(bytes, attributesAt[i] + 4, len, MAP);
            } catch (IOException e) {
                throw new CorruptSegmentException(segment, "attributes of " + id(i) + " are not JSON");
            }
        }
    }
}
