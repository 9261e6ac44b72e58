package dev.abi.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Each algorithm under concurrent clients admits the configured rate to within 5% over a run of many windows (time
 * advanced by the test, so the result does not depend on the machine's speed), and answers refusals with a retry
 * time.
 */
class RateLimiterTest {

    static RateLimitPolicy policy(RateLimitPolicy.Algorithm a, long limit, Duration window) {
        return new RateLimitPolicy("p", a, limit, window, false, Set.of(), Set.of());
    }

    /** Admitted requests while 8 threads hammer for {@code windows} windows of simulated time. */
    static long admittedUnderLoad(RateLimiter limiter, MutableClock clock, Duration window, int windows)
            throws Exception {
        AtomicLong admitted = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(8);
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                started.countDown();
                while (!stop.get()) {
                    if (limiter.check("key:a", "POST /q").allowed()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        started.await();
        long steps = 100L * windows;
        Duration step = window.dividedBy(100);
        for (long i = 0; i < steps; i++) {
            Thread.sleep(0, 200_000); // let the clients saturate each step
            clock.advance(step);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
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
        RateLimiter limiter = new RateLimiter(List.of(policy(algorithm, limit, window)),
                new InMemoryCounterStore(clock), clock);
        long admitted = admittedUnderLoad(limiter, clock, window, windows);
        // a token bucket also admits its initial burst (one full bucket) on top of the rate
        long expected = limit * windows + (algorithm == RateLimitPolicy.Algorithm.TOKEN_BUCKET ? limit : 0);
        assertTrue(Math.abs(admitted - expected) <= expected * 0.05,
                algorithm + ": admitted " + admitted + ", expected " + expected + " +-5%");
    }

    @Test
    void refusalsCarryRetryAfterAndTheHeadersCountDown() {
        MutableClock clock = new MutableClock(0);
        RateLimiter limiter = new RateLimiter(List.of(policy(RateLimitPolicy.Algorithm.FIXED_WINDOW, 3,
                Duration.ofSeconds(60))), new InMemoryCounterStore(clock), clock);
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
        RateLimiter limiter = new RateLimiter(List.of(new RateLimitPolicy("writes",
                RateLimitPolicy.Algorithm.TOKEN_BUCKET, 1, Duration.ofSeconds(10), true, Set.of("POST /w"), Set.of())),
                new InMemoryCounterStore(clock), clock);
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
        RateLimiter limiter = new RateLimiter(List.of(policy(RateLimitPolicy.Algorithm.FIXED_WINDOW, 5,
                Duration.ofSeconds(1))), store, clock);
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
