package dev.abi.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * A read-only HNSW index searched in place, in the byte array of an {@link HnswSegments} segment: the vectors,
 * links, codes and norms are read where they lie, so nothing proportional to the vector count is copied or parsed
 * when it opens. Ids and attributes are decoded when a result or a filter first needs them; the id lookup behind
 * {@link #node(String)} is built on its first use.
 *
 * <p>Searches run the same {@link GraphSearcher} as {@link HnswIndex} (the same entry point, layers, effort and
 * re-ranking) over a view that reads the link column in place, with kernels that read little-endian floats out of
 * the byte array ({@link VectorOps#dotStored}). A node can be hidden per search (an id the caller has deleted or
 * replaced since): it is walked through but never returned. Out-of-range links in a damaged segment whose checksum
 * was not verified raise {@link CorruptSegmentException} when met.
 */
public final class HnswSegmentView {

    private final String name;
    private final byte[] data;
    private final ByteBuffer le;
    private final HnswSegments.Layout at;
    private final int dimension;
    private final Metric metric;
    private final HnswParams params;
    private final VectorOps ops;
    private final int count;
    private final int liveCount;
    private final int entryNode;
    private final int entryLevel;
    private final ScalarQuantizer quantizer;
    private final ProductQuantizer productQuantizer;
    /** Attributes parsed so far, by node; allocated on the first use, so that opening allocates nothing per node. */
    private volatile AtomicReferenceArray<Map<String, Object>> parsedAttributes;

    private final ThreadLocal<GraphSearcher.Visited> visitedSets = ThreadLocal.withInitial(GraphSearcher.Visited::new);
    private volatile Map<String, Integer> nodeOf;

    private HnswSegmentView(String name, byte[] data, HnswSegments.Header h) {
        this.name = name;
        this.data = data;
        this.le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.at = h.layout();
        this.dimension = h.dimension();
        this.metric = h.metric();
        this.params = h.params();
        this.ops = VectorOpsProvider.get();
        this.count = at.count;
        this.liveCount = h.liveCount();
        this.entryNode = h.entryNode();
        this.entryLevel = h.entryLevel();
        this.quantizer = HnswSegments.int8Quantizer(le, at);
        this.productQuantizer = HnswSegments.productQuantizer(name, le, at);
    }

    /**
     * Opens a segment in place: reads the header and the quantizer, and checks that the columns fill the segment.
     *
     * @param verifyChecksum whether to check the segment's CRC32C (a pass over every byte); callers that have just
     *     checked the bytes against a checksum of their own (a namespace's manifest records one) pass false
     * @throws CorruptSegmentException naming {@code name} when the header, the sizes or the checksum are wrong
     */
    public static HnswSegmentView open(String name, byte[] data, boolean verifyChecksum) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        return new HnswSegmentView(name, data, HnswSegments.header(name, in, verifyChecksum));
    }

    public String name() {
        return name;
    }

    public int dimension() {
        return dimension;
    }

    public Metric metric() {
        return metric;
    }

    public HnswParams params() {
        return params;
    }

    /** Live (not tombstoned) vectors in the segment. */
    public int size() {
        return liveCount;
    }

    /** Nodes in the segment, live or tombstoned; node ordinals run from 0 to this. */
    public int nodes() {
        return count;
    }

    public boolean isLive(int node) {
        return data[(int) at.live + node] == 1;
    }

    /** The live node holding {@code id}; the lookup is built on the first call. */
    public Optional<Integer> node(String id) {
        Map<String, Integer> map = nodeOf;
        if (map == null) {
            synchronized (this) {
                map = nodeOf;
                if (map == null) {
                    map = new HashMap<>(Math.max(16, liveCount * 4 / 3 + 1));
                    for (int node = 0; node < count; node++) {
                        if (isLive(node)) {
                            map.put(id(node), node);
                        }
                    }
                    nodeOf = map;
                }
            }
        }
        return Optional.ofNullable(map.get(id));
    }

    public String id(int node) {
        int from = start(at.idEnds, node);
        return new String(data, (int) at.ids + from, end(at.idEnds, node) - from, StandardCharsets.UTF_8);
    }

    /** Where entry {@code i} of a column described by the end-offset column at {@code ends} starts. */
    private int start(long ends, int i) {
        return i == 0 ? 0 : end(ends, i - 1);
    }

    private int end(long ends, int i) {
        return le.getInt((int) ends + 4 * i);
    }

    /** The node's attributes, parsed on first use and kept. */
    public Map<String, Object> attributes(int node) {
        AtomicReferenceArray<Map<String, Object>> parsed = parsedAttributes;
        if (parsed == null) {
            synchronized (this) {
                parsed = parsedAttributes;
                if (parsed == null) {
                    parsed = new AtomicReferenceArray<>(count);
                    parsedAttributes = parsed;
                }
            }
        }
        Map<String, Object> m = parsed.get(node);
        if (m != null) {
            return m;
        }
        int from = start(at.attributeEnds, node);
        m = RawAttributes.parse(name, data, (int) at.attributes + from, end(at.attributeEnds, node) - from);
        parsed.set(node, m);
        return m;
    }

    public float[] vector(int node) {
        return HnswSegments.floatsAt(le, at.vectors + 4L * node * dimension, dimension);
    }

    public StoredVector stored(int node) {
        return new StoredVector(id(node), vector(node), attributes(node));
    }

    /** Every live node that {@code hidden} does not hide, in node order. */
    public void forEach(IntPredicate hidden, Consumer<StoredVector> visitor) {
        for (int node = 0; node < count; node++) {
            if (isLive(node) && !hidden.test(node)) {
                visitor.accept(stored(node));
            }
        }
    }

    /**
     * The {@code topK} nearest live nodes that pass {@code filter} and that {@code hidden} does not hide, closest
     * first, with the distances the API reports; {@code ef} as in {@link HnswIndex#search(float[], int, Filter, int)}.
     */
    public List<SearchHit> search(
            float[] query, int topK, Filter filter, IntPredicate hidden, int hiddenCount, int ef) {
        if (query.length != dimension) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions; index has " + dimension);
        }
        int visible = liveCount - hiddenCount;
        if (count == 0 || visible <= 0) {
            return List.of();
        }
        return GraphSearcher.search(new Graph(hidden, visible), query, topK, filter == null ? Filter.ALL : filter, ef);
    }

    // ---------------------------------------------------------------- graph

    /**
     * The segment as {@link GraphSearcher} reads it, for one search: lists are runs of the link column, read in
     * place; a node is live when the segment says so and {@code hidden} does not hide it.
     */
    private final class Graph implements GraphView {
        private final IntPredicate hidden;
        private final int visible;
        private int next;
        private int end;

        Graph(IntPredicate hidden, int visible) {
            this.hidden = hidden;
            this.visible = visible;
        }

        @Override
        public int nodes() {
            return count;
        }

        @Override
        public int entryNode() {
            return entryNode;
        }

        @Override
        public int entryLevel() {
            return entryLevel;
        }

        @Override
        public int visibleCount() {
            return visible;
        }

        @Override
        public int maxDegree(int level) {
            return level == 0 ? 2 * params.m() : params.m();
        }

        @Override
        public int seek(int node, int level) {
            int list = le.getInt((int) at.nodeLists + 4 * node) + level;
            next = start(at.listEnds, list);
            end = end(at.listEnds, list);
            return end - next;
        }

        @Override
        public int nextNeighbour() {
            int target = le.getInt((int) at.linkColumn + 4 * next++);
            if (target < 0 || target >= count) {
                throw new CorruptSegmentException(name, "a link points at " + target + ", outside 0.." + (count - 1));
            }
            return target;
        }

        @Override
        public boolean isLive(int node) {
            return HnswSegmentView.this.isLive(node) && !hidden.test(node);
        }

        @Override
        public Map<String, Object> attributes(int node) {
            return HnswSegmentView.this.attributes(node);
        }

        @Override
        public String id(int node) {
            return HnswSegmentView.this.id(node);
        }

        @Override
        public Metric metric() {
            return metric;
        }

        @Override
        public float queryNorm(float[] query) {
            return metric == Metric.COSINE ? (float) Math.sqrt(ops.dot(query, 0, query, 0, dimension)) : 0f;
        }

        @Override
        public NodeScorer floatScorer(float[] query, float queryNorm) {
            return new FloatScorer(query, queryNorm);
        }

        @Override
        public NodeScorer codeScorer(float[] query, float queryNorm) {
            return productQuantizer != null
                    ? pqScorer(query, queryNorm)
                    : quantizer != null ? int8Scorer(query, queryNorm) : null;
        }

        @Override
        public GraphSearcher.Visited visited() {
            return visitedSets.get().reset(count);
        }
    }

    // ---------------------------------------------------------------- distances

    private float norm(int node) {
        return le.getFloat((int) at.norms + 4 * node);
    }

    /** Float scoring in place; bulk distances go four vectors per pass over the query, as on the heap. */
    private final class FloatScorer implements NodeScorer {
        private final float[] q;
        private final float qNorm;
        private final int vectors = (int) at.vectors;
        private final int stride = 4 * dimension;

        FloatScorer(float[] q, float qNorm) {
            this.q = q;
            this.qNorm = qNorm;
        }

        @Override
        public float distance(int node) {
            int offset = vectors + node * stride;
            return switch (metric) {
                case L2 -> ops.squaredDistanceStored(q, data, offset, dimension);
                case DOT -> -ops.dotStored(q, data, offset, dimension);
                case COSINE -> finish(ops.dotStored(q, data, offset, dimension), node);
            };
        }

        @Override
        public void distances(int[] nodes, int count, float[] out) {
            int i = 0;
            for (; i + 3 < count; i += 4) {
                int o0 = vectors + nodes[i] * stride;
                int o1 = vectors + nodes[i + 1] * stride;
                int o2 = vectors + nodes[i + 2] * stride;
                int o3 = vectors + nodes[i + 3] * stride;
                if (metric == Metric.L2) {
                    ops.squaredDistance4Stored(q, data, o0, o1, o2, o3, dimension, out, i);
                } else {
                    ops.dot4Stored(q, data, o0, o1, o2, o3, dimension, out, i);
                    for (int j = i; j < i + 4; j++) {
                        out[j] = metric == Metric.DOT ? -out[j] : finish(out[j], nodes[j]);
                    }
                }
            }
            for (; i < count; i++) {
                out[i] = distance(nodes[i]);
            }
        }

        private float finish(float dot, int node) {
            float denominator = qNorm * norm(node);
            return denominator == 0f ? 1f : 1f - dot / denominator;
        }
    }

    private NodeScorer int8Scorer(float[] q, float qNorm) {
        return NodeScorer.int8(ops, metric, quantizer, q, qNorm, data, (int) at.int8Codes, this::norm);
    }

    private NodeScorer pqScorer(float[] q, float qNorm) {
        return NodeScorer.pq(metric, productQuantizer, q, qNorm, data, (int) at.pqCodes, this::norm);
    }
}
