package dev.abi.vector;

import dev.abi.telemetry.MetricNames;
import dev.abi.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The index namespaces use: an exact scan while small, an HNSW graph once past a size threshold.
 *
 * <p>The graph is built in the background from a copy of the vectors, while the exact index keeps answering, so a
 * cold start never waits for a graph build. Writes made during the build are recorded and replayed onto the graph
 * before it takes over; from then on the graph alone holds the vectors. Upserts and deletes are idempotent, so
 * replaying a write that the copy already saw changes nothing.
 */
public final class AdaptiveVectorIndex implements VectorIndex {

    /**
     * Namespaces with at least this many vectors are searched through a graph. The system property
     * {@code abi.graph-threshold} overrides it (benchmarks that time exact scans set it very high).
     */
    public static final int DEFAULT_GRAPH_THRESHOLD = Integer.getInteger("abi.graph-threshold", 20_000);

    private static final Logger LOG = Logger.getLogger(AdaptiveVectorIndex.class.getName());

    private record Write(String id, float[] values, Map<String, Object> attributes) {
        boolean isDelete() {
            return values == null;
        }
    }

    private final int dimension;
    private final Metric metric;
    private final int threshold;
    private final HnswParams params;
    private final Executor builder;
    private final Object lock = new Object();

    private volatile VectorIndex active;
    /** Writes made while a graph is being built; null when no build runs. Guarded by {@link #lock}. */
    private List<Write> pending;
    /** Set when a build failed: searches stay exact rather than retrying a build that cannot succeed. */
    private boolean buildFailed;
    /** Completes when the latest build ends (either way); null before any build. Guarded by {@link #lock}. */
    private CompletableFuture<Void> buildDone;

    /**
     * @param threshold size from which a graph is built
     * @param builder runs the background build (a virtual thread per build in production, the caller's thread in
     *     tests that want determinism)
     */
    public AdaptiveVectorIndex(FlatVectorIndex initial, int threshold, HnswParams params, Executor builder) {
        this.dimension = initial.dimension();
        this.metric = initial.metric();
        this.threshold = threshold;
        this.params = params;
        this.builder = builder;
        this.active = initial;
        maybeStartGraph();
    }

    /**
     * Wraps an exact index (typically just decoded) with the default threshold and parameters, building graphs on
     * virtual threads; a build starts at once when the index is already past the threshold.
     */
    public static AdaptiveVectorIndex of(FlatVectorIndex initial) {
        return of(initial, DEFAULT_GRAPH_THRESHOLD);
    }

    /** As {@link #of(FlatVectorIndex)}, with a graph from {@code threshold} vectors. */
    public static AdaptiveVectorIndex of(FlatVectorIndex initial, int threshold) {
        return new AdaptiveVectorIndex(
                initial,
                threshold,
                HnswParams.DEFAULTS,
                task -> Thread.ofVirtual().name("hnsw-build").start(task));
    }

    /** Wraps a graph read back from a segment: searches go through it at once, and nothing is built. */
    public static AdaptiveVectorIndex ofGraph(HnswIndex graph) {
        return new AdaptiveVectorIndex(graph);
    }

    private AdaptiveVectorIndex(HnswIndex graph) {
        this.dimension = graph.dimension();
        this.metric = graph.metric();
        this.threshold = 0;
        this.params = graph.params();
        this.builder = Runnable::run;
        this.active = graph;
    }

    /**
     * The graph to store in a segment: the one searches use, once any running build or tombstone rebuild has
     * finished; else, when the index holds at least {@code minimum} vectors, a graph built now on the calling
     * thread (in parallel, with {@link HnswIndex#upsertAll}), which searches then use too; null otherwise or after
     * a failed build.
     */
    public HnswIndex graphForSegment(int minimum) {
        CompletableFuture<Void> running;
        synchronized (lock) {
            running = buildDone;
        }
        if (running != null) {
            running.join();
        }
        List<StoredVector> copy;
        synchronized (lock) {
            if (active instanceof HnswIndex graph) {
                graph.awaitRebuild();
                return graph;
            }
            if (buildFailed || active.size() < minimum) {
                return null;
            }
            copy = new ArrayList<>(active.size());
            active.forEach(copy::add);
            pending = new ArrayList<>();
            buildDone = new CompletableFuture<>();
        }
        build(copy);
        return active instanceof HnswIndex graph ? graph : null;
    }

    /** Whether searches currently go through the graph. */
    public boolean usesGraph() {
        return active instanceof HnswIndex;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    @Override
    public int size() {
        return active.size();
    }

    @Override
    public void upsert(String id, float[] values, Map<String, Object> attributes) {
        synchronized (lock) {
            active.upsert(id, values, attributes);
            if (pending != null) {
                pending.add(new Write(id, values.clone(), attributes));
            }
        }
        maybeStartGraph();
    }

    @Override
    public boolean delete(String id) {
        synchronized (lock) {
            boolean existed = active.delete(id);
            if (pending != null) {
                pending.add(new Write(id, null, null));
            }
            return existed;
        }
    }

    @Override
    public Optional<StoredVector> get(String id) {
        return active.get(id);
    }

    @Override
    public List<SearchHit> search(float[] query, int topK, Filter filter) {
        return active.search(query, topK, filter);
    }

    @Override
    public void forEach(Consumer<StoredVector> visitor) {
        active.forEach(visitor);
    }

    private void maybeStartGraph() {
        List<StoredVector> copy;
        synchronized (lock) {
            if (pending != null || buildFailed || usesGraph() || active.size() < threshold) {
                return;
            }
            pending = new ArrayList<>();
            copy = new ArrayList<>(active.size());
            active.forEach(copy::add);
            buildDone = new CompletableFuture<>();
        }
        builder.execute(() -> build(copy));
    }

    private void build(List<StoredVector> copy) {
        try {
            long start = System.nanoTime();
            HnswIndex graph = new HnswIndex(dimension, metric, params, VectorOpsProvider.get(), copy.size() + 1024);
            graph.upsertAll(copy);
            List<Write> replay;
            // Replay in rounds outside the lock, then the last few under it, so writers are held up only briefly.
            while (true) {
                synchronized (lock) {
                    replay = pending;
                    if (replay.size() < 64) {
                        apply(graph, replay);
                        active = graph;
                        pending = null;
                        break;
                    }
                    pending = new ArrayList<>();
                }
                apply(graph, replay);
            }
            Telemetry.metrics().record(MetricNames.GRAPH_BUILDS, Telemetry.since(start));
            LOG.info(() -> String.format(
                    "graph index built over %d vectors in %d ms",
                    copy.size(), (System.nanoTime() - start) / 1_000_000));
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                pending = null;
                buildFailed = true;
            }
            LOG.log(Level.WARNING, "graph build failed; searches stay exact", e);
        } finally {
            CompletableFuture<Void> done;
            synchronized (lock) {
                done = buildDone;
            }
            done.complete(null);
        }
    }

    private static void apply(HnswIndex graph, List<Write> writes) {
        for (Write w : writes) {
            if (w.isDelete()) {
                graph.delete(w.id());
            } else {
                graph.upsert(w.id(), w.values(), w.attributes());
            }
        }
    }
}
