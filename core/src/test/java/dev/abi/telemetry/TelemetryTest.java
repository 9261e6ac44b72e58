package dev.abi.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The process-wide backends, the query path probe and the inference counters. */
class TelemetryTest {

    @Test
    void installingReturnsAScopeThatPutsThePreviousBackendsBack() {
        InMemoryMetrics metrics = new InMemoryMetrics();
        RecordingTracing tracing = new RecordingTracing();
        try (RequestContext.Scope ignored = Telemetry.install(metrics, tracing)) {
            assertSame(metrics, Telemetry.metrics());
            assertSame(tracing, Telemetry.tracing());
        }
        assertSame(Metrics.NOOP, Telemetry.metrics());
        assertSame(Tracing.NOOP, Telemetry.tracing());
    }

    @Test
    void theFirstPathNotedInsideAProbeWinsAndNothingIsNotedOutsideOne() {
        QueryPath.note(QueryPath.GRAPH); // outside: dropped
        try (QueryPath.Probe probe = QueryPath.begin()) {
            assertEquals(QueryPath.NONE, probe.path());
            QueryPath.note(QueryPath.CACHED);
            QueryPath.note(QueryPath.EXACT);
            assertEquals(QueryPath.CACHED, probe.path());
        }
        try (QueryPath.Probe probe = QueryPath.begin()) {
            assertEquals(QueryPath.NONE, probe.path(), "a new probe starts empty");
        }
    }

    @Test
    void aQueryAnsweredByTheGpuIsTaggedGpuAndACachedOneIsCountedAsCoalesced() {
        InMemoryMetrics metrics = new InMemoryMetrics();
        try (QueryObservation q = QueryObservation.start(metrics)) {
            QueryPath.note(QueryPath.EXACT);
            assertEquals("gpu", q.answered("gpu"));
        }
        try (QueryObservation q = QueryObservation.start(metrics)) {
            QueryPath.note(QueryPath.CACHED);
            q.answered("cpu");
        }
        assertEquals(1, metrics.timerCount("abi.query", "device", "gpu", "path", "gpu"), metrics.describe());
        assertEquals(1, metrics.timerCount("abi.query", "device", "cpu", "path", "cached"), metrics.describe());
        assertEquals(1, metrics.counter("abi.query.coalesced", "outcome", "cached"), metrics.describe());
    }

    @Test
    void inferenceCountsTokensAndTimeByPhase() {
        InMemoryMetrics metrics = new InMemoryMetrics();
        try (RequestContext.Scope ignored = Telemetry.install(metrics, null)) {
            long start = System.nanoTime();
            InferenceMetrics.prompt(12, start);
            InferenceMetrics.generation(30, start);
            InferenceMetrics.generation(5, start);
        }
        assertEquals(12, metrics.counter("abi.inference.tokens", "phase", "prompt"), metrics.describe());
        assertEquals(35, metrics.counter("abi.inference.tokens", "phase", "generation"), metrics.describe());
        assertEquals(2, metrics.timerCount("abi.inference", "phase", "generation"), metrics.describe());
        assertEquals(1, metrics.timerCount("abi.inference", "phase", "prompt"), metrics.describe());
    }

    @Test
    void theDefaultCountByAnAmountAddsThatMany() {
        InMemoryMetrics inner = new InMemoryMetrics();
        Metrics onlyOnes = new Metrics() {
            @Override
            public void count(String name, String... tags) {
                inner.count(name, tags);
            }

            @Override
            public void record(String name, Duration duration, String... tags) {}
        };
        onlyOnes.count("t", 3L, "k", "v");
        assertEquals(3, inner.counter("t", "k", "v"));
    }
}
