package dev.abi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.resilience.CircuitBreaker;
import dev.abi.resilience.CircuitOpenException;
import dev.abi.telemetry.InMemoryMetrics;
import dev.abi.telemetry.RecordingTracing;
import dev.abi.telemetry.RequestContext;
import dev.abi.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Object-store calls timed by operation and outcome, and traced. */
class ObservedObjectStoreTest {

    private static final byte[] BYTES = "x".getBytes(StandardCharsets.UTF_8);

    @Test
    void everyCallIsTimedByOperationAndOutcome() {
        InMemoryMetrics metrics = new InMemoryMetrics();
        AtomicBoolean down = new AtomicBoolean();
        ObjectStore faulty = new FaultyObjectStore(new InMemoryObjectStore(), 1)
                .before(c -> down.get(), Integer.MAX_VALUE, c -> {
                    throw new ObjectStoreException("planted outage", null);
                });
        ObservedObjectStore store = new ObservedObjectStore(faulty, metrics);

        String etag = store.putIfAbsent("a/1", BYTES);
        store.get("a/1");
        store.get("a/2");
        assertThrows(PreconditionFailedException.class, () -> store.putIfAbsent("a/1", BYTES));
        assertThrows(ObjectNotFoundException.class, () -> store.getRange("a/none", 0, 1));
        store.putIfMatch("a/1", BYTES, etag);
        store.list("a/");
        store.delete("a/1");
        down.set(true);
        assertThrows(ObjectStoreException.class, () -> store.get("a/1"));

        String d = metrics.describe();
        assertEquals(2, metrics.timerCount("abi.store.calls", "op", "get", "outcome", "ok"), d);
        assertEquals(1, metrics.timerCount("abi.store.calls", "op", "putIfAbsent", "outcome", "ok"), d);
        assertEquals(
                1, metrics.timerCount("abi.store.calls", "op", "putIfAbsent", "outcome", "precondition_failed"), d);
        assertEquals(1, metrics.timerCount("abi.store.calls", "op", "getRange", "outcome", "not_found"), d);
        assertEquals(1, metrics.timerCount("abi.store.calls", "op", "putIfMatch", "outcome", "ok"), d);
        assertEquals(1, metrics.timerCount("abi.store.calls", "op", "list", "outcome", "ok"), d);
        assertEquals(1, metrics.timerCount("abi.store.calls", "op", "delete", "outcome", "ok"), d);
        assertEquals(1, metrics.timerCount("abi.store.calls", "op", "get", "outcome", "error"), d);
    }

    @Test
    void aCallRefusedByAnOpenBreakerIsRejectedNotAnError() {
        InMemoryMetrics metrics = new InMemoryMetrics();
        CircuitBreaker breaker = new CircuitBreaker(
                "object-store",
                CircuitBreaker.Config.defaults(),
                Clock.systemUTC(),
                CircuitBreakingObjectStore::isFailure,
                CircuitBreaker.Listener.logging());
        ObjectStore failing = new FaultyObjectStore(new InMemoryObjectStore(), 1)
                .before(c -> true, Integer.MAX_VALUE, c -> {
                    throw new ObjectStoreException("planted outage", null);
                });
        ObservedObjectStore store = new ObservedObjectStore(new CircuitBreakingObjectStore(failing, breaker), metrics);
        boolean refused = false;
        for (int i = 0; i < 100 && !refused; i++) {
            try {
                store.get("k");
            } catch (CircuitOpenException e) {
                refused = true;
            } catch (ObjectStoreException expected) {
                // still closed
            }
        }
        assertTrue(refused, "the breaker opened");
        assertEquals(1, metrics.timerCount("abi.store.calls", "op", "get", "outcome", "rejected"), metrics.describe());
    }

    @Test
    void eachCallIsASpanNamedByItsOperationWithTheKey() {
        RecordingTracing tracing = new RecordingTracing();
        try (RequestContext.Scope ignored = Telemetry.install(null, tracing)) {
            ObservedObjectStore store = new ObservedObjectStore(new InMemoryObjectStore(), new InMemoryMetrics());
            store.putIfAbsent("ns/x", BYTES);
            assertThrows(PreconditionFailedException.class, () -> store.putIfAbsent("ns/x", BYTES));
        }
        assertEquals(2, tracing.ended().size(), tracing.ended().toString());
        RecordingTracing.Ended first = tracing.ended().get(0);
        assertEquals("store.putIfAbsent", first.name());
        assertEquals("ns/x", first.attributes().get("store.key"));
        assertEquals(null, tracing.ended().get(1).error(), "a lost conditional put is an answer, not a failure");
    }
}
