package dev.abi.telemetry;

import java.time.Duration;

/**
 * Where core reports what it measures: counters and timers, each named in dots ({@code abi.http.requests}) and tagged
 * with a few low-cardinality key/value pairs (a route pattern, a status, a policy name; never an id or a namespace).
 * Core knows nothing of the backend behind it: the local server binds it to Micrometer, tests to {@link
 * InMemoryMetrics}, and everything else gets {@link #NOOP}. Implementations must be thread-safe and quick, and must
 * not throw.
 */
public interface Metrics {

    /** Reports nothing: the default wherever no backend is bound. */
    Metrics NOOP = new Metrics() {
        @Override
        public void count(String name, String... tags) {}

        @Override
        public void record(String name, Duration duration, String... tags) {}
    };

    /**
     * Adds one to a counter.
     *
     * @param tags key, value, key, value...; an odd count is a programming error
     */
    void count(String name, String... tags);

    /**
     * Adds {@code amount} to a counter (tokens generated, say). The default adds one {@code amount} times;
     * implementations add it at once.
     *
     * @param amount at least 0
     * @param tags key, value, key, value...; an odd count is a programming error
     */
    default void count(String name, long amount, String... tags) {
        for (long i = 0; i < amount; i++) {
            count(name, tags);
        }
    }

    /**
     * Records one duration in a timer (its count, total and distribution).
     *
     * @param tags key, value, key, value...; an odd count is a programming error
     */
    void record(String name, Duration duration, String... tags);
}
