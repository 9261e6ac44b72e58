package dev.abi.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.abi.store.CircuitBreakingObjectStore;
import dev.abi.store.FaultyObjectStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectStoreException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closed, open and half-open, by failure rate and by slow calls; the fallback hook; the object store wrapper. */
class CircuitBreakerTest {

    private final MutableClock clock = new MutableClock(0);
    private final CircuitBreaker.Config config = new CircuitBreaker.Config(10, 4, 0.5, Duration.ofSeconds(2), 0.5,
            Duration.ofSeconds(30), 2);

    private CircuitBreaker breaker() {
        return new CircuitBreaker("upstream", config, clock, e -> e instanceof IllegalStateException);
    }

    private static String fail() {
        throw new IllegalStateException("boom");
    }

    @Test
    void opensOnFailureRateThenHalfOpensAndClosesOnGoodTrials() {
        CircuitBreaker b = breaker();
        b.call(() -> "ok");
        b.call(() -> "ok");
        assertThrows(IllegalStateException.class, () -> b.call(CircuitBreakerTest::fail));
        assertEquals(CircuitBreaker.State.CLOSED, b.state(), "3 calls: below the minimum of 4");
        assertThrows(IllegalStateException.class, () -> b.call(CircuitBreakerTest::fail));
        assertEquals(CircuitBreaker.State.OPEN, b.state(), "2 of 4 failed: 50%");
        AtomicInteger reached = new AtomicInteger();
        CircuitOpenException open = assertThrows(CircuitOpenException.class, () -> b.call(reached::incrementAndGet));
        assertEquals(0, reached.get(), "an open breaker does not call the upstream");
        assertEquals(30, open.retryAfterSeconds());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(CircuitBreaker.State.HALF_OPEN, b.state());
        b.call(() -> "trial 1");
        assertEquals(CircuitBreaker.State.HALF_OPEN, b.state());
        b.call(() -> "trial 2");
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
    }

    @Test
    void aFailedTrialReopensAndSlowCallsOpenToo() {
        CircuitBreaker b = breaker();
        for (int i = 0; i < 4; i++) {
            assertThrows(IllegalStateException.class, () -> b.call(CircuitBreakerTest::fail));
        }
        clock.advance(Duration.ofSeconds(30));
        assertThrows(IllegalStateException.class, () -> b.call(CircuitBreakerTest::fail));
        assertEquals(CircuitBreaker.State.OPEN, b.state(), "a failed trial reopens");

        CircuitBreaker slow = breaker();
        for (int i = 0; i < 4; i++) {
            slow.call(() -> {
                clock.advance(Duration.ofSeconds(3));
                return "late";
            });
        }
        assertEquals(CircuitBreaker.State.OPEN, slow.state(), "every call slower than 2 s");
    }

    @Test
    void fallbackAnswersWhileOpenAndOtherExceptionsDoNotCount() {
        CircuitBreaker b = breaker();
        for (int i = 0; i < 10; i++) {
            assertThrows(IllegalArgumentException.class, () -> b.call(() -> {
                throw new IllegalArgumentException("a client error, not the upstream's fault");
            }));
        }
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        // the window of 10 holds the 10 non-failures: 5 failures make half of it
        for (int i = 0; i < 4; i++) {
            assertEquals("cpu", b.call(CircuitBreakerTest::fail, e -> "cpu"));
        }
        assertEquals(CircuitBreaker.State.CLOSED, b.state(), "4 of the last 10 failed");
        assertEquals("cpu", b.call(CircuitBreakerTest::fail, e -> "cpu"));
        assertEquals(CircuitBreaker.State.OPEN, b.state(), "5 of the last 10 failed");
        assertEquals("cpu", b.call(() -> "gpu", e -> "cpu"), "open: the fallback answers");
    }

    @Test
    void aFailingObjectStoreIsCutOffAndAMissingObjectIsNoFailure() {
        FaultyObjectStore faulty = new FaultyObjectStore(new InMemoryObjectStore(), 1);
        CircuitBreakingObjectStore store = new CircuitBreakingObjectStore(faulty, new CircuitBreaker("object-store",
                config, clock, CircuitBreakingObjectStore::isFailure));
        for (int i = 0; i < 10; i++) {
            store.get("missing/" + i);
        }
        assertEquals(CircuitBreaker.State.CLOSED, store.breaker().state());
        faulty.before(c -> c.op() == FaultyObjectStore.Op.GET, 5, c -> {
            throw new ObjectStoreException("simulated 503 on " + c.key(), null);
        });
        for (int i = 0; i < 5; i++) {
            assertThrows(ObjectStoreException.class, () -> store.get("k"));
        }
        assertThrows(CircuitOpenException.class, () -> store.get("k"));
    }
}
