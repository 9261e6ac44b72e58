package dev.abi.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.CircuitBreakingObjectStore;
import dev.abi.store.FaultyObjectStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Closed, open and half-open, by failure rate and by slow calls; errors and trials that never return; the listener;
 * the fallback hook; the object store wrapper. Time is a {@link MutableClock} the test moves.
 */
class CircuitBreakerTest {

    private final MutableClock clock = new MutableClock(0);
    private final CircuitBreaker.Config config = CircuitBreaker.Config.builder()
            .windowSize(10)
            .minimumCalls(4)
            .failureRate(0.5)
            .slowCall(Duration.ofSeconds(2))
            .slowCallRate(0.5)
            .openDuration(Duration.ofSeconds(30))
            .halfOpenCalls(2)
            .build();

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
            assertThrows(
                    IllegalArgumentException.class,
                    () -> b.call(() -> {
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
        CircuitBreakingObjectStore store = new CircuitBreakingObjectStore(
                faulty, new CircuitBreaker("object-store", config, clock, CircuitBreakingObjectStore::isFailure));
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

    private void openIt(CircuitBreaker b) {
        for (int i = 0; i < 4; i++) {
            assertThrows(IllegalStateException.class, () -> b.call(CircuitBreakerTest::fail));
        }
        assertEquals(CircuitBreaker.State.OPEN, b.state());
    }

    @Test
    void anErrorInAHalfOpenTrialIsRecordedAndTheBreakerStillRecovers() {
        CircuitBreaker b = breaker();
        openIt(b);
        clock.advance(Duration.ofSeconds(30));
        StackOverflowError error = new StackOverflowError("deep");
        StackOverflowError thrown = assertThrows(
                StackOverflowError.class,
                () -> b.call(() -> {
                    throw error;
                }));
        assertSame(error, thrown, "rethrown unchanged");
        assertEquals(CircuitBreaker.State.OPEN, b.state(), "the failed trial reopened the breaker");
        clock.advance(Duration.ofSeconds(30));
        assertEquals("trial 1", b.call(() -> "trial 1"));
        assertEquals("trial 2", b.call(() -> "trial 2"));
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
    }

    @Test
    void errorsCountAsFailuresWhileClosedAndNeverReachTheFallback() {
        CircuitBreaker b = breaker(); // its predicate knows only IllegalStateException
        for (int i = 0; i < 3; i++) {
            assertThrows(
                    OutOfMemoryError.class,
                    () -> b.call(
                            () -> {
                                throw new OutOfMemoryError("range read");
                            },
                            e -> "fallback"));
        }
        b.call(() -> "ok");
        assertEquals(CircuitBreaker.State.OPEN, b.state(), "3 errors of 4 calls");
    }

    @Test
    void aTrialThatNeverReturnsFailsAfterTrialTimeoutAndItsLateOutcomeIsIgnored() throws Exception {
        CircuitBreaker b = new CircuitBreaker(
                "upstream",
                CircuitBreaker.Config.builder()
                        .windowSize(4)
                        .minimumCalls(1)
                        .failureRate(1)
                        .slowCall(Duration.ofMinutes(5))
                        .openDuration(Duration.ofSeconds(30))
                        .halfOpenCalls(1)
                        .trialTimeout(Duration.ofSeconds(10))
                        .build(),
                clock,
                e -> e instanceof IllegalStateException);
        assertThrows(IllegalStateException.class, () -> b.call(CircuitBreakerTest::fail));
        clock.advance(Duration.ofSeconds(30));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        Future<String> stuck = caller.submit(() -> b.call(() -> {
            entered.countDown();
            awaitQuietly(release);
            throw new IllegalStateException("too late to count");
        }));
        try {
            assertTrue(entered.await(30, TimeUnit.SECONDS), "hang guard: the trial started");
            assertThrows(CircuitOpenException.class, () -> b.call(() -> "second"), "the one trial permit is held");
            clock.advance(Duration.ofSeconds(9));
            assertEquals(CircuitBreaker.State.HALF_OPEN, b.state());
            clock.advance(Duration.ofSeconds(1));
            assertEquals(CircuitBreaker.State.OPEN, b.state(), "the trial held its permit for trialTimeout: failed");
            clock.advance(Duration.ofSeconds(30));
            assertEquals("fresh", b.call(() -> "fresh"), "a new trial runs");
            assertEquals(CircuitBreaker.State.CLOSED, b.state());
        } finally {
            release.countDown();
            caller.shutdown();
        }
        ExecutionException late = assertThrows(ExecutionException.class, () -> stuck.get(30, TimeUnit.SECONDS));
        assertTrue(late.getCause() instanceof IllegalStateException, "the caller still gets its own outcome");
        assertEquals(CircuitBreaker.State.CLOSED, b.state(), "a timed-out trial's late failure is not recorded");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theListenerSeesEveryChangeOfStateInOrder() {
        List<String> changes = new ArrayList<>();
        CircuitBreaker b = new CircuitBreaker(
                "upstream",
                config,
                clock,
                e -> e instanceof IllegalStateException,
                (name, from, to) -> changes.add(name + ": " + from + " -> " + to));
        openIt(b);
        clock.advance(Duration.ofSeconds(30));
        b.call(() -> "trial 1");
        b.call(() -> "trial 2");
        assertEquals(
                List.of("upstream: CLOSED -> OPEN", "upstream: OPEN -> HALF_OPEN", "upstream: HALF_OPEN -> CLOSED"),
                changes);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheBreaker() {
        CircuitBreaker b = new CircuitBreaker(
                "upstream", config, clock, e -> e instanceof IllegalStateException, (name, from, to) -> {
                    throw new IllegalStateException("listener bug");
                });
        openIt(b);
        clock.advance(Duration.ofSeconds(30));
        b.call(() -> "trial 1");
        b.call(() -> "trial 2");
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
    }

    @Test
    void theDefaultListenerLogsOpeningAsAWarningAndClosingAsInfo() {
        Logger jul = Logger.getLogger(CircuitBreaker.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(capture);
        try {
            CircuitBreaker b = breaker();
            openIt(b);
            clock.advance(Duration.ofSeconds(30));
            b.call(() -> "trial 1");
            b.call(() -> "trial 2");
        } finally {
            jul.removeHandler(capture);
        }
        assertEquals(
                List.of(Level.WARNING, Level.INFO, Level.INFO),
                records.stream().map(LogRecord::getLevel).toList());
        assertEquals(
                List.of("upstream", CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN),
                List.of(records.get(0).getParameters()));
    }

    @Test
    void configDefaultsAndBadOptionsNameTheField() {
        CircuitBreaker.Config d = CircuitBreaker.Config.defaults();
        assertEquals(20, d.windowSize());
        assertEquals(Duration.ofSeconds(5), d.trialTimeout(), "defaults to slowCall");
        assertEquals(
                Duration.ofSeconds(7),
                CircuitBreaker.Config.builder()
                        .slowCall(Duration.ofSeconds(7))
                        .build()
                        .trialTimeout());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class,
                () -> CircuitBreaker.Config.builder()
                        .trialTimeout(Duration.ZERO)
                        .build());
        assertTrue(bad.getMessage().contains("trialTimeout"), bad.getMessage());
    }
}
