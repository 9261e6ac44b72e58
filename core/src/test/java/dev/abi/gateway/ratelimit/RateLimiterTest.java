package dev.abi.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each algorithm under concurrent clients admits the configured rate to within 5% over a run of many windows, and
 * answers refusals with a retry time. Time is a {@link MutableClock} moved by the test between steps of a fixed number
 * of calls, so the result does not depend on the machine's speed or the scheduler.
 */
class RateLimiterTest {

    static RateLimitPolicy policy(RateLimitPolicy.Algorithm a, long limit, Duration window) {
        return new RateLimitPolicy("p", a, limit, window, false, Set.of(), Set.of());
    }

    static final int CLIENTS = 8;
    /** Calls each client makes per step: 8 x 32 = 256 a step, more than any algorithm admits in one. */
    static final int CALLS_PER_STEP = 32;

    /**
     * Admitted requests while {@value #CLIENTS} threads each make {@value #CALLS_PER_STEP} calls per step of simulated
     * time, 100 steps a window for {@code windows} windows. A barrier ends each step and its action moves the clock,
     * so every step sees the same load whatever the machine's speed or scheduling.
     */
    static long admittedUnderLoad(RateLimiter limiter, MutableClock clock, Duration window, int windows)
            throws Exception {
        AtomicLong admitted = new AtomicLong();
        long steps = 100L * windows;
        Duration step = window.dividedBy(100);
        CyclicBarrier endOfStep = new CyclicBarrier(CLIENTS, () -> clock.advance(step));
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                clients.add(pool.submit(() -> {
                    try {
                        for (long i = 0; i < steps; i++) {
                            for (int c = 0; c < CALLS_PER_STEP; c++) {
                                if (limiter.check("key:a", "POST /q").allowed()) {
                                    admitted.incrementAndGet();
                                }
                            }
                            endOfStep.await();
                        }
                    } catch (RuntimeException | Error e) {
                        endOfStep.reset(); // the others stop at once (BrokenBarrierException) instead of waiting
                        throw e;
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get(5, TimeUnit.MINUTES); // a hang guard only
            }
        } finally {
            pool.shutdownNow();
        }
        return admitted.get();
    }

    @ParameterizedTest
    @EnumSource(RateLimitPolicy.Algorithm.class)
    void concurrentClientsGetTheConfiguredRateWithinFivePercent(RateLimitPolicy.Algorithm algorithm) throws Exception {
        MutableClock clock = new MutableClock(1_000_000_000L);
        Duration window = Duration.ofSeconds(10);
        long limit = 200;
        int windows = 20;
        RateLimiter limiter =
                new RateLimiter(List.of(policy(algorithm, limit, window)), new InMemoryCounterStore(clock), clock);
        long admitted = admittedUnderLoad(limiter, clock, window, windows);
        // a token bucket also admits its initial burst (one full bucket) on top of the rate
        long expected = limit * windows + (algorithm == RateLimitPolicy.Algorithm.TOKEN_BUCKET ? limit : 0);
        assertTrue(
                Math.abs(admitted - expected) <= expected * 0.05,
                algorithm + ": admitted " + admitted + ", expected " + expected + " +-5%");
    }

    @Test
    void algorithmsAreNamedAsConfigurationWritesThemAndAnUnknownOneListsTheKnown() {
        assertEquals(RateLimitPolicy.Algorithm.TOKEN_BUCKET, RateLimitPolicy.Algorithm.parse(" token-bucket "));
        assertEquals(RateLimitPolicy.Algorithm.SLIDING_WINDOW, RateLimitPolicy.Algorithm.parse("Sliding_Window"));
        assertEquals(
                "unknown rate-limit algorithm 'leaky-bucket': use token-bucket, sliding-window or fixed-window",
                assertThrows(IllegalArgumentException.class, () -> RateLimitPolicy.Algorithm.parse("leaky-bucket"))
                        .getMessage());
    }

    @Test
    void refusalsCarryRetryAfterAndTheHeadersCountDown() {
        MutableClock clock = new MutableClock(0);
        RateLimiter limiter = new RateLimiter(
                List.of(policy(RateLimitPolicy.Algorithm.FIXED_WINDOW, 3, Duration.ofSeconds(60))),
                new InMemoryCounterStore(clock),
                clock);
        assertEquals("2", limiter.check("k", "r").headers().get("RateLimit-Remaining"));
        limiter.check("k", "r");
        assertEquals("0", limiter.check("k", "r").headers().get("RateLimit-Remaining"));
        RateLimiter.Decision refused = limiter.check("k", "r");
        assertFalse(refused.allowed());
        assertEquals("60", refused.headers().get("Retry-After"));
        assertTrue(limiter.check("other", "r").allowed(), "limits are per caller");
        clock.advance(Duration.ofSeconds(60));
        assertTrue(limiter.check("k", "r").allowed(), "a new window");
    }

    @Test
    void perRoutePoliciesAndRouteFilters() {
        MutableClock clock = new MutableClock(0);
        RateLimiter limiter = new RateLimiter(
                List.of(new RateLimitPolicy(
                        "writes",
                        RateLimitPolicy.Algorithm.TOKEN_BUCKET,
                        1,
                        Duration.ofSeconds(10),
                        true,
                        Set.of("POST /w"),
                        Set.of())),
                new InMemoryCounterStore(clock),
                clock);
        assertTrue(limiter.check("k", "POST /w").allowed());
        assertFalse(limiter.check("k", "POST /w").allowed());
        assertEquals(null, limiter.check("k", "GET /r"), "no policy applies to other routes");
        clock.advance(Duration.ofSeconds(10));
        assertTrue(limiter.check("k", "POST /w").allowed(), "refilled");
    }

    @Test
    void expiredCountersOfManyCallersAreSweptAway() {
        MutableClock clock = new MutableClock(0);
        InMemoryCounterStore store = new InMemoryCounterStore(clock);
        RateLimiter limiter = new RateLimiter(
                List.of(policy(RateLimitPolicy.Algorithm.FIXED_WINDOW, 5, Duration.ofSeconds(1))), store, clock);
        for (int i = 0; i < 5000; i++) {
            limiter.check("caller-" + i, "r");
        }
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 5000; i++) {
            limiter.check("late-" + (i % 10), "r");
        }
        assertTrue(store.size() < 100, "expired entries were dropped: " + store.size());
    }
}
