package dev.abi.functions;

import dev.abi.telemetry.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Core's {@link Metrics} on Micrometer: counters become Micrometer counters ({@code abi_commits_total} in the
 * Prometheus text), timers become timers with a histogram of latency buckets between 1 ms and 30 s, so that
 * percentiles can be computed across instances ({@code abi_query_seconds_bucket}).
 */
public final class MicrometerMetrics implements Metrics {

    private final MeterRegistry registry;

    public MicrometerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void count(String name, String... tags) {
        registry.counter(name, tags).increment();
    }

    @Override
    public void count(String name, long amount, String... tags) {
        registry.counter(name, tags).increment(amount);
    }

    @Override
    public void record(String name, Duration duration, String... tags) {
        Timer.builder(name)
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)
                .record(duration);
    }
}
