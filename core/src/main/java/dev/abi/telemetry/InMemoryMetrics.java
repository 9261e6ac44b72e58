package dev.abi.telemetry;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps every series in memory, for tests and for a look at what a run measured. A series is named by its metric
 * name and its tags sorted by key, as {@code abi.http.requests{route=GET /health,status=200}}.
 */
public final class InMemoryMetrics implements Metrics {

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> timerCounts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> timerNanos = new ConcurrentHashMap<>();

    @Override
    public void count(String name, String... tags) {
        counters.computeIfAbsent(series(name, tags), k -> new LongAdder()).increment();
    }

    @Override
    public void count(String name, long amount, String... tags) {
        counters.computeIfAbsent(series(name, tags), k -> new LongAdder()).add(amount);
    }

    @Override
    public void record(String name, Duration duration, String... tags) {
        String key = series(name, tags);
        timerCounts.computeIfAbsent(key, k -> new LongAdder()).increment();
        timerNanos.computeIfAbsent(key, k -> new LongAdder()).add(duration.toNanos());
    }

    /** The value of a counter; 0 when it was never counted. */
    public long counter(String name, String... tags) {
        LongAdder a = counters.get(series(name, tags));
        return a == null ? 0 : a.sum();
    }

    /** How many durations a timer recorded; 0 when none. */
    public long timerCount(String name, String... tags) {
        LongAdder a = timerCounts.get(series(name, tags));
        return a == null ? 0 : a.sum();
    }

    /** The sum of the durations a timer recorded. */
    public Duration timerTotal(String name, String... tags) {
        LongAdder a = timerNanos.get(series(name, tags));
        return Duration.ofNanos(a == null ? 0 : a.sum());
    }

    /** Every series seen so far, counters and timers, by name (for assertion messages). */
    public String describe() {
        return "counters " + new TreeMap<>(counters) + ", timers " + new TreeMap<>(timerCounts);
    }

    /** The key of a series: the name, then the tags sorted by key. */
    static String series(String name, String... tags) {
        if (tags.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "tags come in key/value pairs; got " + tags.length + " strings for " + name);
        }
        if (tags.length == 0) {
            return name;
        }
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < tags.length; i += 2) {
            sorted.put(tags[i], tags[i + 1]);
        }
        StringBuilder b = new StringBuilder(name).append('{');
        sorted.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '{' ? "" : ",")
                .append(k)
                .append('=')
                .append(v));
        return b.append('}').toString();
    }
}
