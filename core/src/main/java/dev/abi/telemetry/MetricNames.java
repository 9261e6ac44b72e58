package dev.abi.telemetry;

import java.util.List;

/**
 * The name of every metric ABI reports, in one place (docs/operations.md describes each, and a test checks that the
 * example dashboard queries only these). Timers become {@code <name>_seconds_*} in Prometheus, counters
 * {@code <name>_total}, dots turned into underscores.
 */
public final class MetricNames {

    /** Timer: every request through the gateway; tags {@code route}, {@code status}. */
    public static final String HTTP_REQUESTS = "abi.http.requests";
    /** Timer: answered queries; tags {@code device} and {@code path} ({@link QueryPath}). */
    public static final String QUERY = "abi.query";
    /** Counter: queries answered by another caller's search; tag {@code outcome} (coalesced, cached). */
    public static final String QUERY_COALESCED = "abi.query.coalesced";
    /** Counter: vector writes committed through the API; tag {@code op}. */
    public static final String COMMITS = "abi.commits";
    /** Counter: commit-log slots lost to another writer (each one a retry at the next slot). */
    public static final String COMMIT_CONFLICTS = "abi.commit.conflicts";
    /** Counter: store calls of a commit retried after an unknown outcome; tag {@code stage} (wal, log). */
    public static final String COMMIT_RETRIES = "abi.commit.retries";
    /** Counter: commits given up on; tag {@code reason} (contention). */
    public static final String COMMIT_FAILURES = "abi.commit.failures";
    /** Timer: object-store calls; tags {@code op} and {@code outcome}. */
    public static final String STORE_CALLS = "abi.store.calls";
    /** Counter: circuit-breaker state changes; tags {@code breaker}, {@code to}. */
    public static final String BREAKER_TRANSITIONS = "abi.breaker.transitions";
    /** Counter: requests refused with 429; tag {@code policy}. */
    public static final String RATELIMIT_REJECTIONS = "abi.ratelimit.rejections";
    /** Counter: storage events given up on and written to {@code deadletter/}. */
    public static final String DEAD_LETTERED = "abi.events.dead_lettered";
    /** Timer: folds of the commit log into segments; tag {@code outcome}. */
    public static final String INDEX_FOLDS = "abi.index.folds";
    /** Timer: compactions of every segment into one base segment (a fold that compacts). */
    public static final String COMPACTIONS = "abi.index.compactions";
    /** Timer: in-memory HNSW graph builds that finished (a failed one is logged). */
    public static final String GRAPH_BUILDS = "abi.index.graph_builds";
    /** Timer: model loads that succeeded; tag {@code kind} (generation, embedding). */
    public static final String MODEL_LOADS = "abi.model.loads";
    /** Counter: tokens run through a model; tag {@code phase} (prompt, generation). */
    public static final String INFERENCE_TOKENS = "abi.inference.tokens";
    /** Timer: time spent on those tokens; tag {@code phase}. Tokens/s = tokens rate / this timer's sum rate. */
    public static final String INFERENCE = "abi.inference";

    /** Every name above. */
    public static final List<String> ALL = List.of(
            HTTP_REQUESTS,
            QUERY,
            QUERY_COALESCED,
            COMMITS,
            COMMIT_CONFLICTS,
            COMMIT_RETRIES,
            COMMIT_FAILURES,
            STORE_CALLS,
            BREAKER_TRANSITIONS,
            RATELIMIT_REJECTIONS,
            DEAD_LETTERED,
            INDEX_FOLDS,
            COMPACTIONS,
            GRAPH_BUILDS,
            MODEL_LOADS,
            INFERENCE_TOKENS,
            INFERENCE);

    /** The timers among them (the rest are counters). */
    public static final List<String> TIMERS =
            List.of(HTTP_REQUESTS, QUERY, STORE_CALLS, INDEX_FOLDS, COMPACTIONS, GRAPH_BUILDS, MODEL_LOADS, INFERENCE);

    private MetricNames() {}
}
