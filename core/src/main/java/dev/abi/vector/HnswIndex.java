package dev.abi.vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>The search itself is {@link GraphSearcher}'s, over a view of this index's arrays; the same searcher walks a
 * segment in place ({@link HnswSegmentView}). Writes made during a rebuild go through a {@link RebuildJournal};
 * codes are trained by {@link QuantizerTraining}; the segment format lives in {@link HnswSegments}.
 *
 * <p>Encodings ({@link HnswParams#encoding()}): the walk reads the float vectors, or int8 or PQ codes trained on the
 * first vectors; with codes, the walk's candidates are re-ranked on the floats, so reported distances are exact.
 */
public final class HnswIndex implements VectorIndex {

    private static final VarHandle LEVEL_LINKS = MethodHandles.arrayElementVarHandle(int[][].class);
    private static final VarHandle LIVE_FLAGS = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final int[] NO_LINKS = new int[0];
    private static final int LOCK_STRIPES = 1024;

    private record Entry(int node, int level) {}

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

    private final int dimension;
    private final Metric metric;
    private final VectorOps ops;
    private final HnswParams params;
    private final double levelFactor;
    private final ReentrantReadWriteLock structure = new ReentrantReadWriteLock();
    private final Object[] nodeLocks = new Object[LOCK_STRIPES];
    private final Object[] idLocks = new Object[LOCK_STRIPES];
    private final Object entryLock = new Object();
    private final ThreadLocal<GraphSearcher.Visited> visitedSets = ThreadLocal.withInitial(GraphSearcher.Visited::new);

    /** The writes made while a background rebuild runs, replayed onto the new graph. */
    private final RebuildJournal journal = new RebuildJournal();

    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private volatile CompletableFuture<Void> rebuild = CompletableFuture.completedFuture(null);

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
            long bytes = pq != null
                    ? 16L + (long) n * pq.subspaces()
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
        journal.beginWrite();
        try {
            insert(id, values, attrs);
            if (journal.recording()) { // only while a rebuild runs: no copy on the usual write path
                journal.upserted(new StoredVector(id, values.clone(), attrs == null ? Map.of() : attrs));
            }
        } finally {
            journal.endWrite();
        }
        compactIfNeeded();
    }

    /** Inserts or replaces many vectors, in parallel on the common pool. */
    public void upsertAll(List<StoredVector> batch) {
        for (StoredVector v : batch) {
            checkDimension(v.values().length, "vector '" + v.id() + "'");
        }
        journal.beginWrite();
        try {
            IntStream.range(0, batch.size()).parallel().forEach(i -> {
                StoredVector v = batch.get(i);
                insert(v.id(), v.values(), v.attributes());
            });
            if (journal.recording()) {
                for (StoredVector v : batch) {
                    journal.upserted(v);
                }
            }
            if (batch.size() >= 1000 || batch.size() * 8L >= allocated.get()) {
                // a large parallel batch (or a build) is where racing inserts cut nodes off; one walk over every
                // link finds them, cheap beside the batch's own inserts
                connectUnreachable();
            }
        } finally {
            journal.endWrite();
        }
        compactIfNeeded();
    }

    /**
     * Nodes that no search can reach from the entry point on the bottom layer. Inserts that race, and pruning that
     * keeps each list's most diverse neighbours, can drop every link into a node or a small group of nodes; a search
     * then never returns them, not even for their own vector.
     */
    public int unreachable() {
        structure.readLock().lock();
        try {
            boolean[] reached = reachedFromEntry();
            int count = 0;
            for (int node = 0; node < reached.length; node++) {
                if (!reached[node] && links[node] != null && isLive(node)) {
                    count++;
                }
            }
            return count;
        } finally {
            structure.readLock().unlock();
        }
    }

    /** Which nodes a walk along bottom-layer links from the entry point reaches; all false without an entry. */
    private boolean[] reachedFromEntry() {
        boolean[] reached = new boolean[Math.min(allocated.get(), capacity)];
        Entry e = entry;
        if (e != null) {
            markReachable(e.node(), reached);
        }
        return reached;
    }

    /** Marks {@code from} and every node reachable from it on the bottom layer that is not marked yet. */
    private void markReachable(int from, boolean[] reached) {
        int[] stack = new int[16];
        int top = 0;
        reached[from] = true;
        stack[top++] = from;
        while (top > 0) {
            int node = stack[--top];
            int[][] levels = links[node];
            if (levels == null) {
                continue;
            }
            for (int n : (int[]) LEVEL_LINKS.getAcquire(levels, 0)) {
                if (n < reached.length && !reached[n]) {
                    reached[n] = true;
                    if (top == stack.length) {
                        stack = Arrays.copyOf(stack, top * 2);
                    }
                    stack[top++] = n;
                }
            }
        }
    }

    /**
     * Links every live node that the entry point cannot reach back into the graph (as Lucene joins the components
     * of a merged graph): a search for the node's own vector finds its nearest reachable nodes, and the first of
     * them with room in its list (else the nearest, dropping its farthest link) gains a link to it. Everything the
     * node reaches is then reachable too. A dropped link can cut another node off, so the walk repeats, a few rounds
     * at most.
     */
    void connectUnreachable() {
        structure.readLock().lock();
        try {
            for (int round = 0; round < 4; round++) {
                boolean[] reached = reachedFromEntry();
                boolean linked = false;
                for (int node = 0; node < reached.length; node++) {
                    if (reached[node] || links[node] == null || !isLive(node)) {
                        continue;
                    }
                    long[] nearest = nearestReachable(node);
                    if (nearest.length == 0) {
                        continue;
                    }
                    int from = ScoredNodes.node(nearest[0]);
                    for (int i = 0; i < Math.min(nearest.length, 8); i++) {
                        int candidate = ScoredNodes.node(nearest[i]);
                        if (((int[]) LEVEL_LINKS.getAcquire(links[candidate], 0)).length < maxLinks(0)) {
                            from = candidate;
                            break;
                        }
                    }
                    forceLink(from, node, between(from, node));
                    markReachable(node, reached);
                    linked = true;
                }
                if (!linked) {
                    return;
                }
            }
        } finally {
            structure.readLock().unlock();
        }
    }

    /** The nodes a search for {@code node}'s own vector finds from the entry point, closest first. */
    private long[] nearestReachable(int node) {
        float[] own = Arrays.copyOfRange(vectors, node * dimension, (node + 1) * dimension);
        NodeScorer scorer = new BulkFloatScorer(own, norms[node]);
        Graph graph = new Graph();
        Entry start = entry;
        int ep = start.node();
        for (int l = start.level(); l > 0; l--) {
            ep = GraphSearcher.greedy(graph, scorer, ep, l);
        }
        GraphSearcher.Visited visited = visitedSets.get();
        visited.reset(capacity);
        visited.mark(node);
        long[] found = GraphSearcher.searchLayer(
                        graph,
                        scorer,
                        new long[] {ScoredNodes.encode(scorer.distance(ep), ep)},
                        params.efConstruction(),
                        0,
                        Filter.ALL,
                        false,
                        visited)
                .toArray();
        Arrays.sort(found);
        return found;
    }

    /**
     * For tests: removes every link into {@code id}'s node on every layer, as racing inserts can; false (and nothing
     * changed) when the node is the entry point, which no cut can make unreachable. Every layer, not only the bottom
     * one: a node that also lives on an upper layer would otherwise still be reached by a search descending from
     * there (the graph's levels are drawn at random, so the test's node sometimes has one).
     */
    boolean cutOff(String id) {
        int node = nodeOf.get(id);
        if (entry.node() == node) {
            return false;
        }
        structure.readLock().lock();
        try {
            for (int other = 0; other < Math.min(allocated.get(), capacity); other++) {
                if (links[other] == null) {
                    continue;
                }
                synchronized (nodeLocks[stripe(other)]) {
                    for (int level = 0; level < links[other].length; level++) {
                        int[] list = (int[]) LEVEL_LINKS.getAcquire(links[other], level);
                        int at = list == null ? -1 : indexOf(list, node);
                        if (at >= 0) {
                            int[] next = new int[list.length - 1];
                            System.arraycopy(list, 0, next, 0, at);
                            System.arraycopy(list, at + 1, next, at, list.length - at - 1);
                            LEVEL_LINKS.setRelease(links[other], level, next);
                        }
                    }
                }
            }
            return true;
        } finally {
            structure.readLock().unlock();
        }
    }

    /** For tests: the number of layers {@code id}'s node lives on (1 for the bottom layer only). */
    int layersOf(String id) {
        return links[nodeOf.get(id)].length;
    }

    private static int indexOf(int[] list, int node) {
        for (int i = 0; i < list.length; i++) {
            if (list[i] == node) {
                return i;
            }
        }
        return -1;
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
                LEVEL_LINKS.setRelease(
                        links[target], 0, inserted(current, insertionPoint(target, current, packed), node));
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
        journal.beginWrite();
        try {
            existed = deleteNode(id);
            if (existed) {
                journal.deleted(id);
            }
        } finally {
            journal.endWrite();
        }
        if (existed) {
            compactIfNeeded();
        }
        return existed;
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
        structure.readLock().lock();
        try {
            return GraphSearcher.search(new Graph(), query, topK, filter == null ? Filter.ALL : filter, ef);
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

    /** The state of the graph for writing a segment; waits for in-flight inserts to finish. */
    HnswSegments.State exportState() {
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
            return new HnswSegments.State(
                    dimension,
                    metric,
                    params,
                    n,
                    start == null ? -1 : start.node(),
                    start == null ? -1 : start.level(),
                    Arrays.copyOf(vectors, n * dimension),
                    Arrays.copyOf(norms, n),
                    Arrays.copyOf(ids, n),
                    Arrays.copyOf(attributes, n),
                    linkCopy,
                    Arrays.copyOf(liveFlags, n),
                    quantizer,
                    codes == null ? null : Arrays.copyOf(codes, n * dimension),
                    pq,
                    pq == null ? null : Arrays.copyOf(pqCodes, n * pq.subspaces()));
        } finally {
            structure.writeLock().unlock();
        }
    }

    /**
     * An index holding exactly {@code state}, as read back from a segment. It takes the state's arrays as its own
     * (sized to the node count; the first insert grows them), so opening copies nothing twice.
     */
    static HnswIndex fromState(HnswSegments.State state) {
        int n = state.count();
        HnswIndex index = new HnswIndex(state.dimension(), state.metric(), state.params(), VectorOpsProvider.get(), 16);
        if (n > 0) {
            index.capacity = n;
            index.vectors = state.vectors();
            index.norms = state.norms();
            index.ids = state.ids();
            index.attributes = state.attributes();
            index.links = state.links();
            index.liveFlags = state.live();
            if (index.codes != null) {
                index.codes =
                        state.codes() != null ? state.codes() : new byte[Math.multiplyExact(n, state.dimension())];
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
                QuantizerTraining.encodePq(pq, metric, vectors, norms, dimension, node, pqCodes);
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
        if (quantizer == null
                && productQuantizer == null
                && QuantizerTraining.due(params.encoding(), allocated.get())) {
            trainQuantizer();
        }
    }

    /**
     * Trains the quantizer of the index's encoding on the vectors so far and encodes them; later inserts encode as
     * they go.
     */
    private void trainQuantizer() {
        structure.writeLock().lock();
        try {
            if (quantizer != null || productQuantizer != null) {
                return;
            }
            int n = Math.min(allocated.get(), capacity);
            if (params.encoding() == VectorEncoding.INT8) {
                quantizer = QuantizerTraining.int8(vectors, n, dimension, codes);
            } else {
                ProductQuantizer pq = QuantizerTraining.pq(metric, vectors, norms, n, dimension);
                pqCodes = new byte[Math.multiplyExact(capacity, pq.subspaces())];
                for (int node = 0; node < n; node++) {
                    QuantizerTraining.encodePq(pq, metric, vectors, norms, dimension, node, pqCodes);
                }
                productQuantizer = pq;
            }
        } finally {
            structure.writeLock().unlock();
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
        Graph graph = new Graph();
        int ep = start.node();
        for (int l = start.level(); l > level; l--) {
            ep = GraphSearcher.greedy(graph, scorer, ep, l);
        }
        long[] entryPoints = {ScoredNodes.encode(scorer.distance(ep), ep)};
        GraphSearcher.Visited visited = visitedSets.get();
        for (int l = Math.min(level, start.level()); l >= 0; l--) {
            visited.reset(capacity);
            visited.mark(node);
            ScoredNodes found = GraphSearcher.searchLayer(
                    graph, scorer, entryPoints, params.efConstruction(), l, Filter.ALL, false, visited);
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

    /**
     * The graph as {@link GraphSearcher} reads it, over this index's arrays and quantizer as they are when it is made.
     * Made under the structure lock (read side), which keeps them from being replaced while it is in use; one per
     * search or insert, as its neighbour cursor holds state.
     */
    private final class Graph implements GraphView {
        private final int[][][] lists = links;
        private final Entry start = entry;
        private final ScalarQuantizer sq = quantizer;
        private final ProductQuantizer pq = productQuantizer;
        private int[] list = NO_LINKS;
        private int next;

        @Override
        public int nodes() {
            return Math.min(allocated.get(), capacity);
        }

        @Override
        public int entryNode() {
            return start == null ? -1 : start.node();
        }

        @Override
        public int entryLevel() {
            return start == null ? -1 : start.level();
        }

        @Override
        public int visibleCount() {
            return live.get();
        }

        @Override
        public int maxDegree(int level) {
            return maxLinks(level);
        }

        @Override
        public int seek(int node, int level) {
            list = (int[]) LEVEL_LINKS.getAcquire(lists[node], level);
            next = 0;
            return list.length;
        }

        @Override
        public int nextNeighbour() {
            return list[next++];
        }

        @Override
        public boolean isLive(int node) {
            return HnswIndex.this.isLive(node);
        }

        @Override
        public Map<String, Object> attributes(int node) {
            return attributesAt(node);
        }

        @Override
        public String id(int node) {
            return ids[node];
        }

        @Override
        public Metric metric() {
            return metric;
        }

        @Override
        public float queryNorm(float[] query) {
            return norm(query, 0);
        }

        @Override
        public NodeScorer floatScorer(float[] query, float queryNorm) {
            return new BulkFloatScorer(query, queryNorm);
        }

        @Override
        public NodeScorer codeScorer(float[] query, float queryNorm) {
            return pq != null ? pqScorer(query, queryNorm, pq) : sq != null ? int8Scorer(query, queryNorm, sq) : null;
        }

        @Override
        public GraphSearcher.Visited visited() {
            return visitedSets.get().reset(capacity);
        }
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
        journal.open(); // no write in flight: each one is in the snapshot or in the journal
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
        rebuild = CompletableFuture.runAsync(
                () -> {
                    try {
                        HnswIndex fresh = new HnswIndex(dimension, metric, params, ops, survivors.size() + 16);
                        fresh.upsertAll(survivors);
                        journal.drain(changes -> {
                            structure.writeLock().lock();
                            try {
                                for (RebuildJournal.Change change : changes) {
                                    switch (change) {
                                        case RebuildJournal.Upsert(StoredVector v) ->
                                            fresh.insert(v.id(), v.values(), v.attributes());
                                        case RebuildJournal.Delete(String id) -> fresh.deleteNode(id);
                                    }
                                }
                                adopt(fresh);
                            } finally {
                                structure.writeLock().unlock();
                            }
                        });
                    } catch (RuntimeException e) {
                        System.getLogger(HnswIndex.class.getName())
                                .log(
                                        System.Logger.Level.WARNING,
                                        "graph rebuild failed; the old graph (with its tombstones) keeps answering",
                                        e);
                        journal.abandon();
                    } finally {
                        rebuilding.set(false);
                    }
                },
                task -> Thread.ofVirtual().name("hnsw-rebuild").start(task));
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

    private Map<String, Object> attributesAt(int node) {
        return RawAttributes.of(attributes[node]);
    }

    private StoredVector vectorAt(int node) {
        return new StoredVector(
                ids[node], Arrays.copyOfRange(vectors, node * dimension, (node + 1) * dimension), attributesAt(node));
    }

    private void checkDimension(int length, String what) {
        if (length != dimension) {
            throw new IllegalArgumentException(what + " has " + length + " dimensions; index has " + dimension);
        }
    }

    private static int stripe(int hash) {
        return (hash ^ (hash >>> 16)) & (LOCK_STRIPES - 1);
    }
}
