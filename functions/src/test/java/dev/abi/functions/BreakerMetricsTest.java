package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.abi.resilience.CircuitBreaker;
import dev.abi.resilience.CircuitOpenException;
import dev.abi.store.MutableClock;
import dev.abi.telemetry.InMemoryMetrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The breakers CoreBeans builds count each change of state in {@code abi.breaker.transitions}. */
class BreakerMetricsTest {

    @Test
    void openingAndClosingAreCountedByBreakerAndState() {
        InMemoryMetrics metrics = new InMemoryMetrics();
        MutableClock clock = new MutableClock(0);
        CircuitBreaker breaker = new CircuitBreaker(
                "object-store",
                CircuitBreaker.Config.builder()
                        .windowSize(2)
                        .minimumCalls(2)
                        .openDuration(Duration.ofSeconds(10))
                        .halfOpenCalls(1)
                        .build(),
                clock,
                e -> true,
                CoreBeans.breakerListener(metrics));
        for (int i = 0; i < 2; i++) {
            assertThrows(
                    IllegalStateException.class,
                    () -> breaker.call(() -> {
                        throw new IllegalStateException("down");
                    }));
        }
        assertThrows(CircuitOpenException.class, () -> breaker.call(() -> "refused"));
        clock.advance(Duration.ofSeconds(11));
        assertEquals("ok", breaker.call(() -> "ok"));

        String d = metrics.describe();
        assertEquals(1, metrics.counter("abi.breaker.transitions", "breaker", "object-store", "to", "open"), d);
        assertEquals(1, metrics.counter("abi.breaker.transitions", "breaker", "object-store", "to", "half_open"), d);
        assertEquals(1, metrics.counter("abi.breaker.transitions", "breaker", "object-store", "to", "closed"), d);
    }
}
