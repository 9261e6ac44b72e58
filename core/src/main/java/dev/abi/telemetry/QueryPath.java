package dev.abi.telemetry;

/**
 * Which way a query was answered, noted by the code that answers it and read by the code that times it (the
 * gateway tags {@code abi.query} with it). A thread-local: the search runs on the thread of the request that asked.
 * The first path noted while a probe is open wins (a request of several queries is tagged with its first).
 */
public final class QueryPath {

    /** A linear scan over every vector. */
    public static final String EXACT = "exact";
    /** An HNSW graph held in memory. */
    public static final String GRAPH = "graph";
    /** A stored graph segment searched in place, where it lies in memory. */
    public static final String SEGMENT = "segment";
    /** The GPU service. */
    public static final String GPU = "gpu";
    /** Another caller's identical query, running at the same time, was waited for. */
    public static final String COALESCED = "coalesced";
    /** A result of the same query at the same version, computed moments ago. */
    public static final String CACHED = "cached";
    /** No search ran (or none said how). */
    public static final String NONE = "none";

    private static final ThreadLocal<Probe> CURRENT = new ThreadLocal<>();

    private QueryPath() {}

    /** Starts listening for the path of the queries this thread runs until the probe is closed. */
    public static Probe begin() {
        Probe probe = new Probe(CURRENT.get());
        CURRENT.set(probe);
        return probe;
    }

    /** Notes the path of the query being answered; a no-op outside a probe, or once a path was noted. */
    public static void note(String path) {
        Probe probe = CURRENT.get();
        if (probe != null && probe.path == null) {
            probe.path = path;
        }
    }

    /** Listens for a path on one thread; close it where it was begun. */
    public static final class Probe implements AutoCloseable {

        private final Probe outer;
        private String path;

        private Probe(Probe outer) {
            this.outer = outer;
        }

        /** The first path noted, or {@link #NONE}. */
        public String path() {
            return path == null ? NONE : path;
        }

        @Override
        public void close() {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}
