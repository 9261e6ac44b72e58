package dev.abi.vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Approximate nearest-neighbour index: a hierarchical navigable small-world graph (HNSW, Malkov and Yashunin) over
 * float vectors held in one contiguous array.
 *
 * <p>Concurrency: searches and inserts run at the same time. Each node's link list on each layer is an immutable
 * {@code int[]} of neighbours, closest first, replaced whole under a striped lock, so a search reads a consistent
 * list without locking. Growing the arrays and rebuilding take the write lock. Lists keep no distances (4 bytes a
 * link, not 8): the rare edits that need them (a full list choosing what to drop) compute them again.
 *
 * <p>Deletes are tombstones: the node stays in the graph as a waypoint but is never returned. An upsert of an
 * existing id inserts a new node and tombstones the old one. When tombstones pass
 * {@link HnswParams#maxTombstoneRatio()} of the graph, the graph is rebuilt from its live nodes in the background,
 * without blocking searches (see {@link #awaitRebuild()}).
 *
 * <p>Filters are evaluated during traversal: non-matching nodes are walked through but never returned. When a sample
 * of the attributes says the filter keeps few nodes, the search scans the matching nodes exactly instead, and it
 * does the same when the graph walk finds fewer than {@code topK} matches. Results never include a node outside the
 * filter.
 *
 * <p>Encodings ({@link HnswParams#encoding()}): the walk reads the float vectors, or int8 or PQ codes trained on the
 * first vectors; with codes, the walk's candidates are re-ranked on the floats, so reported distances are exact.
 */
public final class HnswIndex implements VectorIndex {

    private static final VarHandle LEVEL_LINKS = MethodHandles.arrayElementVarHandle(int[][].class);
    private static final VarHandle LIVE_FLAGS = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final int[] NO_LINKS = new int[0];
    private static final int LOCK_STRIPES = 1024;
    /** Below this estimated share of matching nodes, a filtered search scans the matches exactly. */
    /** Below this estimated share of matching nodes, a filtered search scans the matches exactly. */
    static final double EXACT_FILTER_SHARE = 0.10;
    /** Nodes sampled, evenly spaced, to estimate a filter's share. */
    static final int FILTER_SAMPLE = 256;

    private record Entry(int node, int level) {
    }

    /**
     * Float scoring of a query (walks, exact scans and re-ranking alike): bulk distances go four vectors per pass
     * over the query, which overlaps their memory loads.
     */
    private final class BulkFloatScorer implements NodeScorer {
        private final float[] q;
        private final float qNorm;
        private final float[] data = vectors;
        private final float[] nodeNorms = norms;
        private final float[] four = new float[4];

        BulkFloatScorer(float[] q, float qNorm) {
            this.q = q;
            this.qNorm = qNorm;
        }

        @Override
        public float distance(int node) {
            int offset = node * dimension;
            return switch (metric) {
                case L2 -> ops.squaredDistance(q, 0, data, offset, dimension);
                case DOT -> -ops.dot(q, 0, data, offset, dimension);
                case COSINE -> finishCosine(ops.dot(q, 0, data, offset, dimension), node);
            };
        }

        @Override
        public void distances(int[] nodes, int count, float[] out) {
            int dim = dimension;
            int i = 0;
            for (; i + 3 < count; i += 4) {
                int o0 = nodes[i] * dim;
                int o1 = nodes[i + 1] * dim;
                int o2 = nodes[i + 2] * dim;
                int o3 = nodes[i + 3] * dim;
                if (metric == Metric.L2) {
                    ops.squaredDistance4(q, data, o0, o1, o2, o3, dim, out, i);
                } else {
                    ops.dot4(q, data, o0, o1, o2, o3, dim, out, i);
                    for (int j = i; j < i + 4; j++) {
                        out[j] = metric == Metric.DOT ? -out[j] : finishCosine(out[j], nodes[j]);
                    }
                }
            }
            for (; i < count; i++) {
                out[i] = distance(nodes[i]);
            }
        }

        private float finishCosine(float dot, int node) {
            float denominator = qNorm * nodeNorms[node];
            return denominator == 0f ? 1f : 1f - dot / denominator;
        }
    }

    /** Vectors needed before int8 codes are trained; until then the walk reads floats. */
    static final int QUANTIZER_TRAINING_SIZE = 1024;
    /** Vectors needed before PQ codes are trained (k-means needs many points per centroid). */
    static final int PQ_TRAINING_SIZE = 4096;
    /** At most this many vectors train the PQ centroids. */
    static final int PQ_TRAINING_SAMPLE = 20_000;

    private final int dimension;
    private final Metric metric;
    private final VectorOps ops;
    private final HnswParams params;
    private final double levelFactor;
    private final ReentrantReadWriteLock structure = new ReentrantReadWriteLock();
    private final Object[] nodeLocks = new Object[LOCK_STRIPES];
    private final Object[] idLocks = new Object[LOCK_STRIPES];
    private final Object entryLock = new Object();
    private final ThreadLocal<Visited> visitedSets = ThreadLocal.withInitial(Visited::new);

    /** Writers hold its read side; a rebuild takes the write side to start its journal and to swap graphs. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock journalLock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile List<Object[]> journal;
    private final java.util.concurrent.atomic.AtomicBoolean rebuilding = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile java.util.concurrent.CompletableFuture<Void> rebuild =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    // Graph state: replaced whole by a rebuild (under the write lock).
    private AtomicInteger allocated = new AtomicInteger();
    private AtomicInteger live = new AtomicInteger();
    private ConcurrentHashMap<String, Integer> nodeOf = new ConcurrentHashMap<>();
    private volatile Entry entry;
    private int rebuilds;
    private int capacity;
    private float[] vectors;
    private float[] norms;
    private String[] ids;
    private Object[] attributes;
    private int[][][] links;
    /** 1 for a live node; 0 for one being inserted or deleted. */
    private byte[] liveFlags;
    /** Int8 codes, for {@link VectorEncoding#INT8}; read by the walk once {@link #quantizer} is trained. */
    private byte[] codes;
    private volatile ScalarQuantizer quantizer;
    /** PQ codes, for {@link VectorEncoding#PQ}, {@code productQuantizer.subspaces()} bytes per node. */
    private byte[] pqCodes;
    private volatile ProductQuantizer productQuantizer;

    public HnswIndex(int dimension, Metric metric) {
        this(dimension, metric, HnswParams.DEFAULTS, VectorOpsProvider.get(), 1024);
    }

    public HnswIndex(int dimension, Metric metric, HnswParams params, VectorOps ops, int initialCapacity) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
        this.metric = metric;
        this.params = params;
        this.ops = ops;
        this.levelFactor = 1 / Math.log(params.m());
        for (int i = 0; i < LOCK_STRIPES; i++) {
            nodeLocks[i] = new Object();
            idLocks[i] = new Object();
        }
        allocate(Math.max(16, initialCapacity));
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    /** The build and search parameters. */
    public HnswParams params() {
        return params;
    }

    @Override
    public int size() {
        return live.get();
    }

    /**
     * Bytes the graph walk reads: the float vectors (or, once int8 codes are trained, the codes), norms and link
     * lists, with array headers. The float vectors an int8 index re-ranks on, ids and attributes are not counted.
     */
    public long searchBytes() {
        structure.readLock().lock();
        try {
            int n = Math.min(allocated.get(), capacity);
            ProductQuantizer pq = productQuantizer;
            long bytes = pq != null ? 16L + (long) n * pq.subspaces()
                    : quantizer != null ? 16L + (long) n * dimension : 16L + (long) n * dimension * Float.BYTES;
            bytes += 16L + (long) n * Float.BYTES + 16L + 8L * n;
            for (int node = 0; node < n; node++) {
                int[][] levels = links[node];
                if (levels != null) {
                    bytes += 16L + 8L * levels.length;
                    for (int l = 0; l < levels.length; l++) {
                        bytes += 16L + 4L * ((int[]) LEVEL_LINKS.getAcquire(levels, l)).length;
                    }
                }
            }
            return bytes;
        } finally {
            structure.readLock().unlock();
        }
    }

    /** Nodes in the graph, live or tombstoned. */
    public int graphSize() {
        return allocated.get();
    }

    @Override
    public void upsert(String id, float[] values, Map<String, Object> attrs) {
        checkDimension(values.length, "vector '" + id + "'");
        journalLock.readLock().lock();
        try {
            insert(id, values, attrs);
            if (journal != null) { // only while a rebuild runs: no copy on the usual write path
                record(id, new StoredVector(id, values.clone(), attrs == null ? Map.of() : attrs));
            }
        } finally {
            journalLock.readLock().unlock();
        }
        compactIfNeeded();
    }

    /** Inserts or replaces many vectors, in parallel on the common pool. */
    public void upsertAll(List<StoredVector> batch) {
        for (StoredVector v : batch) {
            checkDimension(v.values().length, "vector '" + v.id() + "'");
        }
        journalLock.readLock().lock();
        try {
            IntStream.range(0, batch.size()).parallel().forEach(i -> {
                StoredVector v = batch.get(i);
                insert(v.id(), v.values(), v.attributes());
            });
            if (journal != null) {
                for (StoredVector v : batch) {
                    record(v.id(), v);
                }
            }
            if (batch.size() >= 1000) {
                // a large parallel batch is where racing inserts orphan nodes; the check scans every link once
                repairOrphans();
            }
        } finally {
            journalLock.readLock().unlock();
        }
        compactIfNeeded();
    }

    /**
     * Nodes that no other node links to on the bottom layer. Parallel inserts can prune a node out of every list that
     * pointed at it (each list keeps its most diverse neighbours), which makes it unreachable by any search.
     */
    public int orphans() {
        structure.readLock().lock();
        try {
            return orphanNodes().size();
        } finally {
            structure.readLock().unlock();
        }
    }

    private List<Integer> orphanNodes() {
        int total = Math.min(allocated.get(), capacity);
        boolean[] linked = new boolean[total];
        for (int node = 0; node < total; node++) {
            int[][] levels = links[node];
            if (levels == null) {
                continue;
            }
            for (int n : (int[]) LEVEL_LINKS.getAcquire(levels, 0)) {
                if (n < total) {
                    linked[n] = true;
                }
            }
        }
        Entry e = entry;
        List<Integer> out = new ArrayList<>();
        for (int node = 0; node < total; node++) {
            if (!linked[node] && links[node] != null && (e == null || e.node() != node)) {
                out.add(node);
            }
        }
        return out;
    }

    /**
     * Links each orphan from its closest neighbour (the first of its own sorted list), replacing that neighbour's
     * farthest link when its list is full; repeats while that orphans another node, a few rounds at most.
     */
    private void repairOrphans() {
        structure.readLock().lock();
        try {
            for (int round = 0; round < 4; round++) {
                List<Integer> orphans = orphanNodes();
                if (orphans.isEmpty()) {
                    return;
                }
                for (int node : orphans) {
                    int[] own = (int[]) LEVEL_LINKS.getAcquire(links[node], 0);
                    if (own.length > 0) {
                        forceLink(own[0], node, between(own[0], node));
                    }
                }
            }
        } finally {
            structure.readLock().unlock();
        }
    }

    /** Adds {@code node} to {@code target}'s bottom-layer list, dropping the farthest other entry if it is full. */
    private void forceLink(int target, int node, float distance) {
        long packed = ScoredNodes.encode(distance, node);
        synchronized (nodeLocks[stripe(target)]) {
            int[] current = (int[]) LEVEL_LINKS.getAcquire(links[target], 0);
            if (contains(current, node)) {
                return;
            }
            if (current.length < maxLinks(0)) {
                LEVEL_LINKS.setRelease(links[target], 0, inserted(current, insertionPoint(target, current, packed),
                        node));
                return;
            }
            long[] next = scoredWith(target, current, packed);
            int at = Arrays.binarySearch(next, packed);
            int drop = at == next.length - 1 ? next.length - 2 : next.length - 1;
            LEVEL_LINKS.setRelease(links[target], 0, nodesWithout(next, drop));
        }
    }

    @Override
    public boolean delete(String id) {
        boolean existed;
        journalLock.readLock().lock();
        try {
            existed = deleteNode(id);
            if (existed) {
                record(id, null);
            }
        } finally {
            journalLock.readLock().unlock();
        }
        if (existed) {
            compactIfNeeded();
        }
        return existed;
    }

    /** While a rebuild runs, what changed since its snapshot (a null vector is a delete), to replay onto it. */
    private void record(String id, StoredVector v) {
        List<Object[]> j = journal;
        if (j != null) {
            j.add(new Object[] {id, v});
        }
    }

    private boolean deleteNode(String id) {
        boolean existed;
        structure.readLock().lock();
        try {
            synchronized (idLocks[stripe(id.hashCode())]) {
                Integer node = nodeOf.remove(id);
                existed = node != null;
                if (existed) {
                    LIVE_FLAGS.setRelease(liveFlags, (int) node, (byte) 0);
                    live.decrementAndGet();
                }
            }
        } finally {
            structure.readLock().unlock();
        }
        return existed;
    }

    @Override
    public Optional<StoredVector> get(String id) {
        structure.readLock().lock();
        try {
            Integer node = nodeOf.get(id);
            return node == null ? Optional.empty() : Optional.of(vectorAt(node));
        } finally {
            structure.readLock().unlock();
        }
    }

    @Override
    public List<SearchHit> search(float[] query, int topK, Filter filter) {
        return search(query, topK, filter, params.efSearch());
    }

    /**
     * As {@link #search(float[], int, Filter)}, with the search effort {@code ef}: the size of the candidate list
     * (raised to {@code topK} when smaller). Larger is slower and finds more of the true neighbours.
     */
    public List<SearchHit> search(float[] query, int topK, Filter filter, int ef) {
        checkDimension(query.length, "query");
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, got " + topK);
        }
        if (ef < 1) {
            throw new IllegalArgumentException("ef must be >= 1, got " + ef);
        }
        Filter accept = filter == null ? Filter.ALL : filter;
        structure.readLock().lock();
        try {
            Entry start = entry;
            if (start == null || live.get() == 0) {
                return List.of();
            }
            float queryNorm = norm(query, 0);
            if (accept != Filter.ALL && estimatedShare(accept) < EXACT_FILTER_SHARE) {
                return exact(query, queryNorm, topK, accept);
            }
            int width = Math.max(ef, topK);
            ScalarQuantizer sq = quantizer;
            ProductQuantizer pq = productQuantizer;
            NodeScorer walk = pq != null ? pqScorer(query, queryNorm, pq)
                    : sq != null ? int8Scorer(query, queryNorm, sq) : new BulkFloatScorer(query, queryNorm);
            int ep = start.node();
            for (int level = start.level(); level > 0; level--) {
                ep = greedy(walk, ep, level);
            }
            Visited visited = visitedSets.get().reset(capacity);
            ScoredNodes found = searchLayer(walk, new long[] {ScoredNodes.encode(walk.distance(ep), ep)}, width, 0,
                    accept, true, visited);
            if (found.size() < Math.min(topK, live.get())) {
                // The walk met too few matches (a narrow filter or many tombstones): answer exactly instead.
                return exact(query, queryNorm, topK, accept);
            }
            NodeScorer exact = sq == null && pq == null ? null : new BulkFloatScorer(query, queryNorm);
            TopK best = new TopK(Math.min(topK, found.size()));
            for (long packed : found.toArray()) {
                int node = ScoredNodes.node(packed);
                // With codes the walk's distances are approximate: re-rank its candidates on the floats.
                float d = exact == null ? ScoredNodes.distance(packed) : exact.distance(node);
                best.offer(ids[node], reported(d));
            }
            return best.result();
        } finally {
            structure.readLock().unlock();
        }
    }

    @Override
    public void forEach(Consumer<StoredVector> visitor) {
        structure.readLock().lock();
        try {
            int n = allocated.get();
            for (int node = 0; node < n; node++) {
                if (isLive(node)) {
                    visitor.accept(vectorAt(node));
                }
            }
        } finally {
            structure.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- segments

    /** Everything a segment holds: the graph state, copied out under the read lock. */
    record State(int dimension, Metric metric, HnswParams params, int count, int entryNode, int entryLevel,
            float[] vectors, float[] norms, String[] ids, Object[] attributes, int[][][] links, byte[] live,
            ScalarQuantizer quantizer, byte[] codes, ProductQuantizer productQuantizer, byte[] pqCodes) {
    }

    /** The state of the graph for writing a segment; waits for in-flight inserts to finish. */
    State exportState() {
        structure.writeLock().lock();
        try {
            int n = Math.min(allocated.get(), capacity);
            int[][][] linkCopy = new int[n][][];
            for (int node = 0; node < n; node++) {
                int[][] levels = links[node];
                linkCopy[node] = new int[levels.length][];
                for (int l = 0; l < levels.length; l++) {
                    linkCopy[node][l] = (int[]) LEVEL_LINKS.getAcquire(levels, l);
                }
            }
            Entry start = entry;
            ProductQuantizer pq = productQuantizer;
            return new State(dimension, metric, params, n, start == null ? -1 : start.node(),
                    start == null ? -1 : start.level(), Arrays.copyOf(vectors, n * dimension),
                    Arrays.copyOf(norms, n), Arrays.copyOf(ids, n), Arrays.copyOf(attributes, n), linkCopy,
                    Arrays.copyOf(liveFlags, n), quantizer, codes == null ? null : Arrays.copyOf(codes, n * dimension),
                    pq, pq == null ? null : Arrays.copyOf(pqCodes, n * pq.subspaces()));
        } finally {
            structure.writeLock().unlock();
        }
    }

    /**
     * An index holding exactly {@code state}, as read back from a segment. It takes the state's arrays as its own
     * (sized to the node count; the first insert grows them), so opening copies nothing twice.
     */
    static HnswIndex fromState(State state) {
        int n = state.count();
        HnswIndex index = new HnswIndex(state.dimension(), state.metric(), state.params(), VectorOpsProvider.get(),
                16);
        if (n > 0) {
            index.capacity = n;
            index.vectors = state.vectors();
            index.norms = state.norms();
            index.ids = state.ids();
            index.attributes = state.attributes();
            index.links = state.links();
            index.liveFlags = state.live();
            if (index.codes != null) {
                index.codes = state.codes() != null ? state.codes() : new byte[Math.multiplyExact(n, state.dimension())];
            }
        }
        int live = 0;
        for (int node = 0; node < n; node++) {
            if (state.live()[node] == 1) {
                index.nodeOf.put(state.ids()[node], node);
                live++;
            }
        }
        if (state.codes() != null) {
            index.quantizer = state.quantizer();
        }
        if (state.productQuantizer() != null) {
            index.pqCodes = state.pqCodes();
            index.productQuantizer = state.productQuantizer();
        }
        index.allocated.set(n);
        index.live.set(live);
        index.entry = state.entryNode() < 0 ? null : new Entry(state.entryNode(), state.entryLevel());
        return index;
    }

    // ---------------------------------------------------------------- insert

    private void insert(String id, float[] values, Map<String, Object> attrs) {
        structure.readLock().lock();
        try {
            int node = allocated.getAndIncrement();
            while (node >= capacity) {
                int seenRebuilds = rebuilds;
                structure.readLock().unlock();
                structure.writeLock().lock();
                try {
                    if (rebuilds == seenRebuilds && node >= capacity) {
                        grow(Math.max(node + 1, capacity + (capacity >> 1)));
                    }
                } finally {
                    structure.writeLock().unlock();
                }
                structure.readLock().lock();
                if (rebuilds != seenRebuilds) {
                    node = allocated.getAndIncrement(); // a rebuild replaced the graph: that ordinal is void
                }
            }
            int offset = node * dimension;
            System.arraycopy(values, 0, vectors, offset, dimension);
            norms[node] = norm(vectors, offset);
            ScalarQuantizer sq = quantizer;
            if (sq != null) {
                sq.encode(vectors, offset, codes, offset);
            }
            ProductQuantizer pq = productQuantizer;
            if (pq != null) {
                encodePq(pq, node);
            }
            ids[node] = id;
            attributes[node] = attrs == null ? Map.of() : Map.copyOf(attrs);
            int level = randomLevel(node);
            int[][] levels = new int[level + 1][];
            Arrays.fill(levels, NO_LINKS);
            links[node] = levels;
            connect(node, level);
            synchronized (idLocks[stripe(id.hashCode())]) {
                Integer previous = nodeOf.put(id, node);
                if (previous != null) {
                    LIVE_FLAGS.setRelease(liveFlags, (int) previous, (byte) 0);
                } else {
                    live.incrementAndGet();
                }
                LIVE_FLAGS.setRelease(liveFlags, node, (byte) 1);
            }
        } finally {
            structure.readLock().unlock();
        }
        if (params.encoding() == VectorEncoding.INT8 && quantizer == null
                && allocated.get() >= QUANTIZER_TRAINING_SIZE) {
            trainQuantizer();
        }
        if (params.encoding() == VectorEncoding.PQ && productQuantizer == null
                && allocated.get() >= PQ_TRAINING_SIZE) {
            trainProductQuantizer();
        }
    }

    /** Trains the int8 quantizer on the vectors so far and encodes them; later inserts encode as they go. */
    private void trainQuantizer() {
        structure.writeLock().lock();
        try {
            if (quantizer != null) {
                return;
            }
            int n = Math.min(allocated.get(), capacity);
            ScalarQuantizer sq = ScalarQuantizer.train(vectors, n, dimension);
            for (int node = 0; node < n; node++) {
                sq.encode(vectors, node * dimension, codes, node * dimension);
            }
            quantizer = sq;
        } finally {
            structure.writeLock().unlock();
        }
    }

    /** Trains PQ centroids on the vectors so far (at most a sample) and encodes them all. */
    private void trainProductQuantizer() {
        structure.writeLock().lock();
        try {
            if (productQuantizer != null) {
                return;
            }
            int n = Math.min(allocated.get(), capacity);
            int subspaces = Math.max(1, dimension / 4);
            int sample = Math.min(n, PQ_TRAINING_SAMPLE);
            float[] training = metric == Metric.COSINE ? new float[sample * dimension] : vectors;
            if (metric == Metric.COSINE) {
                for (int node = 0; node < sample; node++) {
                    unit(node, training, node * dimension);
                }
            }
            ProductQuantizer pq = ProductQuantizer.train(training, sample, dimension, subspaces, 42);
            pqCodes = new byte[Math.multiplyExact(capacity, subspaces)];
            for (int node = 0; node < n; node++) {
                encodePq(pq, node);
            }
            productQuantizer = pq;
        } finally {
            structure.writeLock().unlock();
        }
    }

    /** Cosine codes the direction only: the unit vector, so that a table of dot products gives the cosine. */
    private void encodePq(ProductQuantizer pq, int node) {
        if (metric == Metric.COSINE) {
            float[] direction = new float[dimension];
            unit(node, direction, 0);
            pq.encode(direction, 0, pqCodes, node * pq.subspaces());
        } else {
            pq.encode(vectors, node * dimension, pqCodes, node * pq.subspaces());
        }
    }

    private void unit(int node, float[] into, int at) {
        float n = norms[node];
        float scale = n == 0f ? 0f : 1f / n;
        for (int d = 0; d < dimension; d++) {
            into[at + d] = vectors[node * dimension + d] * scale;
        }
    }

    /** The trained product quantizer, if this index uses one and has trained it. */
    public Optional<ProductQuantizer> productQuantizer() {
        return Optional.ofNullable(productQuantizer);
    }

    /** The encoding the graph walk reads; a coded index walks floats until its codes have been trained. */
    public VectorEncoding encoding() {
        return params.encoding();
    }

    /** The trained int8 quantizer, if this index uses one and has trained it. */
    public Optional<ScalarQuantizer> quantizer() {
        return Optional.ofNullable(quantizer);
    }

    private void connect(int node, int level) {
        Entry start = entry;
        if (start == null) {
            synchronized (entryLock) {
                if (entry == null) {
                    entry = new Entry(node, level);
                    return;
                }
                start = entry;
            }
        }
        // The node's own vector, copied so that the bulk kernels read it from offset 0.
        float[] own = Arrays.copyOfRange(vectors, node * dimension, (node + 1) * dimension);
        NodeScorer scorer = new BulkFloatScorer(own, norms[node]);
        int ep = start.node();
        for (int l = start.level(); l > level; l--) {
            ep = greedy(scorer, ep, l);
        }
        long[] entryPoints = {ScoredNodes.encode(scorer.distance(ep), ep)};
        Visited visited = visitedSets.get();
        for (int l = Math.min(level, start.level()); l >= 0; l--) {
            visited.reset(capacity);
            visited.mark(node);
            ScoredNodes found = searchLayer(scorer, entryPoints, params.efConstruction(), l, Filter.ALL, false,
                    visited);
            long[] candidates = found.toArray();
            Arrays.sort(candidates);
            long[] chosen = diverse(candidates, maxLinks(l));
            LEVEL_LINKS.setRelease(links[node], l, nodesOf(chosen));
            for (long c : chosen) {
                addLink(ScoredNodes.node(c), l, node, ScoredNodes.distance(c));
            }
            entryPoints = candidates;
        }
        if (level > start.level()) {
            synchronized (entryLock) {
                if (level > entry.level()) {
                    entry = new Entry(node, level);
                }
            }
        }
    }

    /** Adds {@code node} to {@code target}'s list on {@code level}, keeping the list diverse and within its bound. */
    private void addLink(int target, int level, int node, float distance) {
        long packed = ScoredNodes.encode(distance, node);
        synchronized (nodeLocks[stripe(target)]) {
            int[] current = (int[]) LEVEL_LINKS.getAcquire(links[target], level);
            if (contains(current, node)) {
                return;
            }
            int[] next;
            if (current.length < maxLinks(level)) {
                next = inserted(current, insertionPoint(target, current, packed), node);
            } else {
                long[] scored = scoredWith(target, current, packed);
                next = nodesWithout(scored, dropLeastDiverse(scored, Arrays.binarySearch(scored, packed), target));
            }
            LEVEL_LINKS.setRelease(links[target], level, next);
        }
    }

    /**
     * Which entry to remove from a list that is one over its bound after {@code added} was inserted. The list was
     * diverse before, so only pairs with the new entry need checking: drop the new entry if a closer neighbour
     * already covers it, else drop the farthest entry it covers, else the farthest entry.
     */
    private int dropLeastDiverse(long[] list, int added, int owner) {
        int newNode = ScoredNodes.node(list[added]);
        float newDistance = ScoredNodes.distance(list[added]);
        for (int j = 0; j < added; j++) {
            if (between(newNode, ScoredNodes.node(list[j])) < newDistance) {
                return added;
            }
        }
        for (int i = list.length - 1; i > added; i--) {
            if (between(ScoredNodes.node(list[i]), newNode) < ScoredNodes.distance(list[i])) {
                return i;
            }
        }
        return list.length - 1;
    }

    private static boolean contains(int[] list, int node) {
        for (int n : list) {
            if (n == node) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where {@code packed} (distance and node) goes in {@code owner}'s list, which is closest first: a binary search
     * that computes only the distances it probes.
     */
    private int insertionPoint(int owner, int[] list, long packed) {
        int lo = 0;
        int hi = list.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ScoredNodes.encode(between(owner, list[mid]), list[mid]) < packed) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The list with {@code node} inserted at {@code at}. */
    private static int[] inserted(int[] list, int at, int node) {
        int[] next = new int[list.length + 1];
        System.arraycopy(list, 0, next, 0, at);
        next[at] = node;
        System.arraycopy(list, at, next, at + 1, list.length - at);
        return next;
    }

    /** {@code owner}'s list scored again, plus {@code packed}, sorted by distance: for a full list choosing a drop. */
    private long[] scoredWith(int owner, int[] list, long packed) {
        long[] scored = new long[list.length + 1];
        for (int i = 0; i < list.length; i++) {
            scored[i] = ScoredNodes.encode(between(owner, list[i]), list[i]);
        }
        scored[list.length] = packed;
        Arrays.sort(scored);
        return scored;
    }

    private static int[] nodesOf(long[] scored) {
        int[] nodes = new int[scored.length];
        for (int i = 0; i < scored.length; i++) {
            nodes[i] = ScoredNodes.node(scored[i]);
        }
        return nodes;
    }

    private static int[] nodesWithout(long[] scored, int drop) {
        int[] nodes = new int[scored.length - 1];
        for (int i = 0, j = 0; i < scored.length; i++) {
            if (i != drop) {
                nodes[j++] = ScoredNodes.node(scored[i]);
            }
        }
        return nodes;
    }

    /**
     * HNSW's neighbour heuristic: walk candidates from the closest and keep one only if it is closer to the base node
     * than to every neighbour already kept. This keeps links spread across directions.
     */
    private long[] diverse(long[] sortedCandidates, int bound) {
        long[] kept = new long[Math.min(bound, sortedCandidates.length)];
        int n = 0;
        for (long candidate : sortedCandidates) {
            if (n == kept.length) {
                break;
            }
            int c = ScoredNodes.node(candidate);
            float d = ScoredNodes.distance(candidate);
            boolean keep = true;
            for (int j = 0; j < n && keep; j++) {
                keep = between(c, ScoredNodes.node(kept[j])) >= d;
            }
            if (keep) {
                kept[n++] = candidate;
            }
        }
        return n == kept.length ? kept : Arrays.copyOf(kept, n);
    }

    // ---------------------------------------------------------------- search

    private int greedy(NodeScorer scorer, int ep, int level) {
        int current = ep;
        float best = scorer.distance(current);
        boolean moved = true;
        while (moved) {
            moved = false;
            int[] neighbours = (int[]) LEVEL_LINKS.getAcquire(links[current], level);
            for (int nb : neighbours) {
                float d = scorer.distance(nb);
                if (d < best) {
                    best = d;
                    current = nb;
                    moved = true;
                }
            }
        }
        return current;
    }

    /**
     * Best-first search of one layer. Returns a max-heap of the {@code ef} closest accepted nodes. With
     * {@code liveOnly}, tombstoned nodes and nodes the filter rejects are walked through but not returned.
     */
    private ScoredNodes searchLayer(NodeScorer scorer, long[] entryPoints, int ef, int level, Filter filter,
            boolean liveOnly, Visited visited) {
        ScoredNodes candidates = new ScoredNodes(ef * 2, false);
        ScoredNodes results = new ScoredNodes(ef + 1, true);
        int[] fresh = new int[maxLinks(level) + 1];
        float[] freshDistances = new float[fresh.length];
        for (long ep : entryPoints) {
            int node = ScoredNodes.node(ep);
            if (visited.mark(node)) {
                candidates.push(ep);
                if (accepts(node, filter, liveOnly)) {
                    results.push(ep);
                    if (results.size() > ef) {
                        results.pop();
                    }
                }
            }
        }
        while (candidates.size() > 0) {
            long closest = candidates.pop();
            if (results.size() >= ef && closest > results.peek()) {
                break;
            }
            int[] neighbours = (int[]) LEVEL_LINKS.getAcquire(links[ScoredNodes.node(closest)], level);
            if (neighbours.length > fresh.length) {
                fresh = new int[neighbours.length];
                freshDistances = new float[neighbours.length];
            }
            int count = 0;
            for (int nb : neighbours) {
                if (visited.mark(nb)) {
                    fresh[count++] = nb;
                }
            }
            scorer.distances(fresh, count, freshDistances);
            for (int j = 0; j < count; j++) {
                int nb = fresh[j];
                long packed = ScoredNodes.encode(freshDistances[j], nb);
                if (results.size() < ef || packed < results.peek()) {
                    candidates.push(packed);
                    if (accepts(nb, filter, liveOnly)) {
                        results.push(packed);
                        if (results.size() > ef) {
                            results.pop();
                        }
                    }
                }
            }
        }
        return results;
    }

    private List<SearchHit> exact(float[] query, float queryNorm, int topK, Filter filter) {
        TopK best = new TopK(topK);
        NodeScorer scorer = new BulkFloatScorer(query, queryNorm);
        int n = allocated.get();
        for (int node = 0; node < Math.min(n, capacity); node++) {
            if (isLive(node) && (filter == Filter.ALL || filter.matches(attributesAt(node)))) {
                float d = reported(scorer.distance(node));
                if (best.mayAccept(d)) {
                    best.offer(ids[node], d);
                }
            }
        }
        return best.result();
    }

    /** Share of live nodes the filter keeps, from an evenly spaced sample. */
    private double estimatedShare(Filter filter) {
        int n = Math.min(allocated.get(), capacity);
        int step = Math.max(1, n / FILTER_SAMPLE);
        int sampled = 0;
        int kept = 0;
        for (int node = 0; node < n; node += step) {
            if (isLive(node)) {
                sampled++;
                if (filter.matches(attributesAt(node))) {
                    kept++;
                }
            }
        }
        return sampled == 0 ? 0 : (double) kept / sampled;
    }

    private boolean accepts(int node, Filter filter, boolean liveOnly) {
        return !liveOnly || (isLive(node) && (filter == Filter.ALL || filter.matches(attributesAt(node))));
    }

    // ---------------------------------------------------------------- distances

    private NodeScorer int8Scorer(float[] q, float qNorm, ScalarQuantizer sq) {
        float[] nodeNorms = norms;
        return NodeScorer.int8(ops, metric, sq, q, qNorm, codes, 0, node -> nodeNorms[node]);
    }

    /** Internal distance between two nodes, smaller is closer: squared l2, negated dot, or 1 - cosine. */
    private NodeScorer pqScorer(float[] q, float qNorm, ProductQuantizer pq) {
        float[] nodeNorms = norms;
        return NodeScorer.pq(metric, pq, q, qNorm, pqCodes, 0, node -> nodeNorms[node]);
    }

    private float between(int a, int b) {
        int oa = a * dimension;
        int ob = b * dimension;
        return switch (metric) {
            case L2 -> ops.squaredDistance(vectors, oa, vectors, ob, dimension);
            case DOT -> -ops.dot(vectors, oa, vectors, ob, dimension);
            case COSINE -> {
                float denominator = norms[a] * norms[b];
                yield denominator == 0f ? 1f : 1f - ops.dot(vectors, oa, vectors, ob, dimension) / denominator;
            }
        };
    }

    /** The distance the API reports (l2 is not squared). */
    private float reported(float internal) {
        return metric == Metric.L2 ? (float) Math.sqrt(internal) : internal;
    }

    private float norm(float[] v, int offset) {
        return metric == Metric.COSINE ? (float) Math.sqrt(ops.dot(v, offset, v, offset, dimension)) : 0f;
    }

    // ---------------------------------------------------------------- housekeeping

    private boolean needsCompaction() {
        int total = allocated.get();
        return total >= 64 && total - live.get() > params.maxTombstoneRatio() * total;
    }

    /**
     * Past the tombstone ratio, rebuilds the graph from its live nodes in the background: searches and writes go on
     * against the old graph meanwhile, writes are journaled, and the journal is replayed onto the new graph just
     * before it replaces the old one (the only moment searches wait).
     */
    private void compactIfNeeded() {
        if (!needsCompaction() || !rebuilding.compareAndSet(false, true)) {
            return;
        }
        List<Object[]> changes = java.util.Collections.synchronizedList(new ArrayList<>());
        journalLock.writeLock().lock(); // no write in flight: each one is in the snapshot or in the journal
        try {
            journal = changes;
        } finally {
            journalLock.writeLock().unlock();
        }
        List<StoredVector> survivors;
        structure.readLock().lock();
        try {
            int total = allocated.get();
            survivors = new ArrayList<>(live.get());
            for (int node = 0; node < Math.min(total, capacity); node++) {
                if (isLive(node)) {
                    survivors.add(vectorAt(node));
                }
            }
        } finally {
            structure.readLock().unlock();
        }
        rebuild = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                HnswIndex fresh = new HnswIndex(dimension, metric, params, ops, survivors.size() + 16);
                fresh.upsertAll(survivors);
                journalLock.writeLock().lock();
                try {
                    structure.writeLock().lock();
                    try {
                        synchronized (changes) {
                            for (Object[] c : changes) {
                                if (c[1] == null) {
                                    fresh.deleteNode((String) c[0]);
                                } else {
                                    StoredVector v = (StoredVector) c[1];
                                    fresh.insert(v.id(), v.values(), v.attributes());
                                }
                            }
                        }
                        adopt(fresh);
                    } finally {
                        structure.writeLock().unlock();
                    }
                } finally {
                    journal = null;
                    journalLock.writeLock().unlock();
                }
            } catch (RuntimeException e) {
                System.getLogger(HnswIndex.class.getName()).log(System.Logger.Level.WARNING,
                        "graph rebuild failed; the old graph (with its tombstones) keeps answering", e);
                journalLock.writeLock().lock();
                journal = null;
                journalLock.writeLock().unlock();
            } finally {
                rebuilding.set(false);
            }
        }, task -> Thread.ofVirtual().name("hnsw-rebuild").start(task));
    }

    /** Whether a background rebuild is running. */
    public boolean rebuilding() {
        return rebuilding.get();
    }

    /** Waits for a background rebuild, if one is running (tests, and callers about to write a segment). */
    public void awaitRebuild() {
        rebuild.join();
    }

    private void adopt(HnswIndex fresh) {
        allocated = fresh.allocated;
        live = fresh.live;
        nodeOf = fresh.nodeOf;
        entry = fresh.entry;
        capacity = fresh.capacity;
        vectors = fresh.vectors;
        norms = fresh.norms;
        ids = fresh.ids;
        attributes = fresh.attributes;
        links = fresh.links;
        liveFlags = fresh.liveFlags;
        codes = fresh.codes;
        quantizer = fresh.quantizer;
        pqCodes = fresh.pqCodes;
        productQuantizer = fresh.productQuantizer;
        rebuilds++;
    }

    private void allocate(int size) {
        capacity = size;
        vectors = new float[Math.multiplyExact(size, dimension)];
        norms = new float[size];
        ids = new String[size];
        attributes = new Object[size];
        links = new int[size][][];
        liveFlags = new byte[size];
        codes = params.encoding() == VectorEncoding.INT8 ? new byte[Math.multiplyExact(size, dimension)] : null;
    }

    private void grow(int size) {
        vectors = Arrays.copyOf(vectors, Math.multiplyExact(size, dimension));
        norms = Arrays.copyOf(norms, size);
        ids = Arrays.copyOf(ids, size);
        attributes = Arrays.copyOf(attributes, size);
        links = Arrays.copyOf(links, size);
        liveFlags = Arrays.copyOf(liveFlags, size);
        if (codes != null) {
            codes = Arrays.copyOf(codes, Math.multiplyExact(size, dimension));
        }
        if (pqCodes != null) {
            pqCodes = Arrays.copyOf(pqCodes, Math.multiplyExact(size, productQuantizer.subspaces()));
        }
        capacity = size;
    }

    private int maxLinks(int level) {
        return level == 0 ? 2 * params.m() : params.m();
    }

    /** A geometric level drawn from a hash of the ordinal, so that a build is reproducible. */
    private int randomLevel(int node) {
        long z = (node + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        double uniform = ((z >>> 11) + 1) * 0x1.0p-53;
        return Math.min(31, (int) (-Math.log(uniform) * levelFactor));
    }

    private boolean isLive(int node) {
        return (byte) LIVE_FLAGS.getAcquire(liveFlags, node) == 1;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> attributesAt(int node) {
        Object a = attributes[node];
        return a instanceof RawAttributes raw ? raw.map() : (Map<String, Object>) a;
    }

    /**
     * A node's attributes as a segment stored them: JSON bytes in the segment's attribute column, parsed on first
     * use (a filter or a read), so opening a segment does not parse every node's attributes. The bytes are kept, so
     * writing the segment again gives the same bytes.
     */
    static final class RawAttributes {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();
        private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
                new com.fasterxml.jackson.core.type.TypeReference<>() {
                };
        private final String segment;
        private final byte[] column;
        private final int from;
        private final int length;
        private volatile Map<String, Object> parsed;

        RawAttributes(String segment, byte[] column, int from, int length) {
            this.segment = segment;
            this.column = column;
            this.from = from;
            this.length = length;
        }

        byte[] json() {
            return Arrays.copyOfRange(column, from, from + length);
        }

        Map<String, Object> map() {
            Map<String, Object> m = parsed;
            if (m == null) {
                m = parse(segment, column, from, length);
                parsed = m;
            }
            return m;
        }

        /**
         * One node's attributes from a segment's attribute column.
         *
         * @throws CorruptSegmentException naming the segment when the bytes are not a JSON object of values
         */
        static Map<String, Object> parse(String segment, byte[] column, int from, int length) {
            if (length == 0) {
                return Map.of();
            }
            try {
                return Map.copyOf(JSON.readValue(column, from, length, MAP));
            } catch (java.io.IOException | RuntimeException e) {
                throw new CorruptSegmentException(segment, "attributes are not a JSON object of values: "
                        + e.getMessage());
            }
        }
    }

    private StoredVector vectorAt(int node) {
        return new StoredVector(ids[node], Arrays.copyOfRange(vectors, node * dimension, (node + 1) * dimension),
                attributesAt(node));
    }

    private void checkDimension(int length, String what) {
        if (length != dimension) {
            throw new IllegalArgumentException(what + " has " + length + " dimensions; index has " + dimension);
        }
    }

    private static int stripe(int hash) {
        return (hash ^ (hash >>> 16)) & (LOCK_STRIPES - 1);
    }

    /** Per-thread visited marks, cleared in O(1) by bumping a generation. */
    private static final class Visited {
        private int[] marks = new int[0];
        private int generation;

        Visited reset(int size) {
            if (marks.length < size) {
                marks = new int[size];
                generation = 0;
            }
            if (++generation == 0) {
                Arrays.fill(marks, 0);
                generation = 1;
            }
            return this;
        }

        /** Marks the node; returns false when it was already marked. */
        boolean mark(int node) {
            if (marks[node] == generation) {
                return false;
            }
            marks[node] = generation;
            return true;
        }
    }
}
