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
 * {@code long[]} of (distance, neighbour) pairs, sorted by distance and replaced whole under a striped lock, so a
 * search reads a consistent list without locking. Growing the arrays and rebuilding take the write lock.
 *
 * <p>Deletes are tombstones: the node stays in the graph as a waypoint but is never returned. An upsert of an
 * existing id inserts a new node and tombstones the old one. When tombstones pass
 * {@link HnswParams#maxTombstoneRatio()} of the graph, the graph is rebuilt from its live nodes.
 *
 * <p>Filters are evaluated during traversal: non-matching nodes are walked through but never returned. When a sample
 * of the attributes says the filter keeps few nodes, the search scans the matching nodes exactly instead, and it
 * does the same when the graph walk finds fewer than {@code topK} matches. Results never include a node outside the
 * filter.
 */
public final class HnswIndex implements VectorIndex {

    private static final VarHandle LEVEL_LINKS = MethodHandles.arrayElementVarHandle(long[][].class);
    private static final VarHandle LIVE_FLAGS = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final long[] NO_LINKS = new long[0];
    private static final int LOCK_STRIPES = 1024;
    /** Below this estimated share of matching nodes, a filtered search scans the matches exactly. */
    private static final double EXACT_FILTER_SHARE = 0.10;
    private static final int FILTER_SAMPLE = 256;

    private record Entry(int node, int level) {
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
    private final ThreadLocal<Visited> visitedSets = ThreadLocal.withInitial(Visited::new);

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
    private long[][][] links;
    /** 1 for a live node; 0 for one being inserted or deleted. */
    private byte[] liveFlags;

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
     * Bytes held for search: vectors, norms and link lists, with array headers (ids and attributes not counted).
     */
    public long memoryBytes() {
        structure.readLock().lock();
        try {
            int n = Math.min(allocated.get(), capacity);
            long bytes = 16L + (long) vectors.length * Float.BYTES + 16L + (long) norms.length * Float.BYTES
                    + 16L + 8L * links.length;
            for (int node = 0; node < n; node++) {
                long[][] levels = links[node];
                if (levels != null) {
                    bytes += 16L + 8L * levels.length;
                    for (int l = 0; l < levels.length; l++) {
                        bytes += 16L + 8L * ((long[]) LEVEL_LINKS.getAcquire(levels, l)).length;
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
        insert(id, values, attrs);
        compactIfNeeded();
    }

    /** Inserts or replaces many vectors, in parallel on the common pool. */
    public void upsertAll(List<StoredVector> batch) {
        for (StoredVector v : batch) {
            checkDimension(v.values().length, "vector '" + v.id() + "'");
        }
        IntStream.range(0, batch.size()).parallel().forEach(i -> {
            StoredVector v = batch.get(i);
            insert(v.id(), v.values(), v.attributes());
        });
        compactIfNeeded();
    }

    @Override
    public boolean delete(String id) {
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
        if (existed) {
            compactIfNeeded();
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
            int ep = start.node();
            for (int level = start.level(); level > 0; level--) {
                ep = greedy(query, 0, queryNorm, ep, level);
            }
            Visited visited = visitedSets.get().reset(capacity);
            ScoredNodes found = searchLayer(query, 0, queryNorm,
                    new long[] {ScoredNodes.encode(distance(query, 0, queryNorm, ep), ep)}, width, 0, accept, true,
                    visited);
            if (found.size() < Math.min(topK, live.get())) {
                // The walk met too few matches (a narrow filter or many tombstones): answer exactly instead.
                return exact(query, queryNorm, topK, accept);
            }
            TopK best = new TopK(Math.min(topK, found.size()));
            for (long packed : found.toArray()) {
                int node = ScoredNodes.node(packed);
                best.offer(ids[node], reported(ScoredNodes.distance(packed)));
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
            ids[node] = id;
            attributes[node] = attrs == null ? Map.of() : Map.copyOf(attrs);
            int level = randomLevel(node);
            long[][] levels = new long[level + 1][];
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
        int offset = node * dimension;
        float nodeNorm = norms[node];
        int ep = start.node();
        for (int l = start.level(); l > level; l--) {
            ep = greedy(vectors, offset, nodeNorm, ep, l);
        }
        long[] entryPoints = {ScoredNodes.encode(distance(vectors, offset, nodeNorm, ep), ep)};
        Visited visited = visitedSets.get();
        for (int l = Math.min(level, start.level()); l >= 0; l--) {
            visited.reset(capacity);
            visited.mark(node);
            ScoredNodes found = searchLayer(vectors, offset, nodeNorm, entryPoints, params.efConstruction(), l,
                    Filter.ALL, false, visited);
            long[] candidates = found.toArray();
            Arrays.sort(candidates);
            long[] chosen = diverse(candidates, maxLinks(l));
            LEVEL_LINKS.setRelease(links[node], l, chosen);
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
        int bound = maxLinks(level);
        synchronized (nodeLocks[stripe(target)]) {
            long[] current = (long[]) LEVEL_LINKS.getAcquire(links[target], level);
            int at = Arrays.binarySearch(current, packed);
            if (at >= 0) {
                return;
            }
            at = -at - 1;
            long[] next = new long[current.length + 1];
            System.arraycopy(current, 0, next, 0, at);
            next[at] = packed;
            System.arraycopy(current, at, next, at + 1, current.length - at);
            if (next.length > bound) {
                next = dropLeastDiverse(next, at, target);
            }
            LEVEL_LINKS.setRelease(links[target], level, next);
        }
    }

    /**
     * Removes one entry from a list that is one over its bound after {@code added} was inserted. The list was diverse
     * before, so only pairs with the new entry need checking: drop the new entry if a closer neighbour already covers
     * it, else drop the farthest entry it covers, else the farthest entry.
     */
    private long[] dropLeastDiverse(long[] list, int added, int owner) {
        int newNode = ScoredNodes.node(list[added]);
        float newDistance = ScoredNodes.distance(list[added]);
        int drop = list.length - 1;
        boolean found = false;
        for (int j = 0; j < added && !found; j++) {
            if (between(newNode, ScoredNodes.node(list[j])) < newDistance) {
                drop = added;
                found = true;
            }
        }
        for (int i = list.length - 1; i > added && !found; i--) {
            if (between(ScoredNodes.node(list[i]), newNode) < ScoredNodes.distance(list[i])) {
                drop = i;
                found = true;
            }
        }
        long[] out = new long[list.length - 1];
        System.arraycopy(list, 0, out, 0, drop);
        System.arraycopy(list, drop + 1, out, drop, list.length - drop - 1);
        return out;
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

    private int greedy(float[] q, int qOffset, float qNorm, int ep, int level) {
        int current = ep;
        float best = distance(q, qOffset, qNorm, current);
        boolean moved = true;
        while (moved) {
            moved = false;
            long[] neighbours = (long[]) LEVEL_LINKS.getAcquire(links[current], level);
            for (long link : neighbours) {
                int nb = ScoredNodes.node(link);
                float d = distance(q, qOffset, qNorm, nb);
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
    private ScoredNodes searchLayer(float[] q, int qOffset, float qNorm, long[] entryPoints, int ef, int level,
            Filter filter, boolean liveOnly, Visited visited) {
        ScoredNodes candidates = new ScoredNodes(ef * 2, false);
        ScoredNodes results = new ScoredNodes(ef + 1, true);
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
            long[] neighbours = (long[]) LEVEL_LINKS.getAcquire(links[ScoredNodes.node(closest)], level);
            for (long link : neighbours) {
                int nb = ScoredNodes.node(link);
                if (!visited.mark(nb)) {
                    continue;
                }
                long packed = ScoredNodes.encode(distance(q, qOffset, qNorm, nb), nb);
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
        int n = allocated.get();
        for (int node = 0; node < Math.min(n, capacity); node++) {
            if (isLive(node) && (filter == Filter.ALL || filter.matches(attributesAt(node)))) {
                float d = reported(distance(query, 0, queryNorm, node));
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

    /** Internal distance, smaller is closer: squared l2, negated dot, or 1 - cosine. */
    private float distance(float[] q, int qOffset, float qNorm, int node) {
        int offset = node * dimension;
        return switch (metric) {
            case L2 -> ops.squaredDistance(q, qOffset, vectors, offset, dimension);
            case DOT -> -ops.dot(q, qOffset, vectors, offset, dimension);
            case COSINE -> {
                float denominator = qNorm * norms[node];
                yield denominator == 0f ? 1f : 1f - ops.dot(q, qOffset, vectors, offset, dimension) / denominator;
            }
        };
    }

    private float between(int a, int b) {
        return distance(vectors, a * dimension, norms[a], b);
    }

    /** The distance the API reports (l2 is not squared). */
    private float reported(float internal) {
        return metric == Metric.L2 ? (float) Math.sqrt(internal) : internal;
    }

    private float norm(float[] v, int offset) {
        return metric == Metric.COSINE ? (float) Math.sqrt(ops.dot(v, offset, v, offset, dimension)) : 0f;
    }

    // ---------------------------------------------------------------- housekeeping

    private void compactIfNeeded() {
        int total = allocated.get();
        if (total < 64 || total - live.get() <= params.maxTombstoneRatio() * total) {
            return;
        }
        structure.writeLock().lock();
        try {
            total = allocated.get();
            if (total < 64 || total - live.get() <= params.maxTombstoneRatio() * total) {
                return;
            }
            List<StoredVector> survivors = new ArrayList<>(live.get());
            for (int node = 0; node < total; node++) {
                if (isLive(node)) {
                    survivors.add(vectorAt(node));
                }
            }
            HnswIndex fresh = new HnswIndex(dimension, metric, params, ops, survivors.size() + 16);
            fresh.upsertAll(survivors);
            adopt(fresh);
        } finally {
            structure.writeLock().unlock();
        }
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
        rebuilds++;
    }

    private void allocate(int size) {
        capacity = size;
        vectors = new float[Math.multiplyExact(size, dimension)];
        norms = new float[size];
        ids = new String[size];
        attributes = new Object[size];
        links = new long[size][][];
        liveFlags = new byte[size];
    }

    private void grow(int size) {
        vectors = Arrays.copyOf(vectors, Math.multiplyExact(size, dimension));
        norms = Arrays.copyOf(norms, size);
        ids = Arrays.copyOf(ids, size);
        attributes = Arrays.copyOf(attributes, size);
        links = Arrays.copyOf(links, size);
        liveFlags = Arrays.copyOf(liveFlags, size);
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
        return (Map<String, Object>) attributes[node];
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
