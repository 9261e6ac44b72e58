package dev.abi.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A circuit breaker for one upstream (the object store, a model fetch, the GPU service). Closed, it passes calls and
 * records the outcomes of the last {@code windowSize}; once at least {@code minimumCalls} are recorded and the share
 * of failures, or of calls slower than {@code slowCall}, reaches its threshold, it opens. Open, it refuses calls with
 * {@link CircuitOpenException} (or hands them to a fallback) for {@code openDuration}; then, half-open, it lets
 * {@code halfOpenCalls} trial calls through: all fine closes it, one bad reopens it.
 */
public final class CircuitBreaker {

    /** The breaker's states. */
    public enum State {
        CLOSED, OPEN, HALF_OPEN
    }

    /**
     * @param failureRate  share of failed calls in the window that opens the breaker (0..1]
     * @param slowCallRate share of slow calls in the window that opens it (0..1]
     */
    public record Config(int windowSize, int minimumCalls, double failureRate, Duration slowCall, double slowCallRate,
                         Duration openDuration, int halfOpenCalls) {
        public Config {
            if (windowSize < 1 || minimumCalls < 1 || minimumCalls > windowSize || halfOpenCalls < 1) {
                throw new IllegalArgumentException("windowSize >= minimumCalls >= 1 and halfOpenCalls >= 1 required");
            }
            if (failureRate <= 0 || failureRate > 1 || slowCallRate <= 0 || slowCallRate > 1) {
                throw new IllegalArgumentException("rates must be in (0, 1]");
            }
        }

        public static Config defaults() {
            return new Config(20, 10, 0.5, Duration.ofSeconds(5), 0.8, Duration.ofSeconds(15), 3);
        }
    }

    private final String name;
    private final Config config;
    private final Clock clock;
    private final Predicate<Throwable> countsAsFailure;
    private final boolean[] failed;
    private final boolean[] slow;
    private int recorded;
    private int next;
    private State state = State.CLOSED;
    private long openedAt;
    private int trialsStarted;
    private int trialsSucceeded;

    /** @param countsAsFailure which exceptions are the upstream's fault (a missing object is not) */
    public CircuitBreaker(String name, Config config, Clock clock, Predicate<Throwable> countsAsFailure) {
        this.name = name;
        this.config = config;
        this.clock = clock;
        this.countsAsFailure = countsAsFailure;
        this.failed = new boolean[config.windowSize()];
        this.slow = new boolean[config.windowSize()];
    }

    public String name() {
        return name;
    }

    public synchronized State state() {
        if (state == State.OPEN && clock.millis() - openedAt >= config.openDuration().toMillis()) {
            return State.HALF_OPEN;
        }
        return state;
    }

    /** Runs {@code call} through the breaker. @throws CircuitOpenException while open */
    public <T> T call(Supplier<T> call) {
        return call(call, null);
    }

    /**
     * Runs {@code call} through the breaker; while it is open, or when the call fails, {@code fallback} (if given)
     * answers instead (the GPU routing falls back to the CPU this way).
     */
    public <T> T call(Supplier<T> call, Function<RuntimeException, T> fallback) {
        if (!permit()) {
            CircuitOpenException open = new CircuitOpenException(name, retryAfterSeconds());
            if (fallback != null) {
                return fallback.apply(open);
            }
            throw open;
        }
        long start = clock.millis();
        try {
            T result = call.get();
            record(false, clock.millis() - start >= config.slowCall().toMillis());
            return result;
        } catch (RuntimeException e) {
            boolean failure = countsAsFailure.test(e);
            record(failure, clock.millis() - start >= config.slowCall().toMillis());
            if (failure && fallback != null) {
                return fallback.apply(e);
            }
            throw e;
        }
    }

    /** Seconds until an open breaker lets a trial call through. */
    public synchronized long retryAfterSeconds() {
        long left = config.openDuration().toMillis() - (clock.millis() - openedAt);
        return Math.max(1, (left + 999) / 1000);
    }

    private synchronized boolean permit() {
        if (state == State.OPEN) {
            if (clock.millis() - openedAt < config.openDuration().toMillis()) {
                return false;
            }
            state = State.HALF_OPEN;
            trialsStarted = 0;
            trialsSucceeded = 0;
        }
        if (state == State.HALF_OPEN) {
            if (trialsStarted >= config.halfOpenCalls()) {
                return false;
            }
            trialsStarted++;
        }
        return true;
    }

    private synchronized void record(boolean failure, boolean slowCall) {
        if (state == State.HALF_OPEN) {
            if (failure || slowCall) {
                open();
            } else if (++trialsSucceeded >= config.halfOpenCalls()) {
                state = State.CLOSED;
                recorded = 0;
                next = 0;
            }
            return;
        }
        if (state == State.OPEN) {
            return;
        }
        failed[next] = failure;
        slow[next] = slowCall;
        next = (next + 1) % failed.length;
        recorded = Math.min(recorded + 1, failed.length);
        if (recorded >= config.minimumCalls()) {
            int f = 0;
            int s = 0;
            for (int i = 0; i < recorded; i++) {
                f += failed[i] ? 1 : 0;
                s += slow[i] ? 1 : 0;
            }
            if (f >= config.failureRate() * recorded || s >= config.slowCallRate() * recorded) {
                open();
            }
        }
    }

    private void open() {
        state = State.OPEN;
        openedAt = clock.millis();
        recorded = 0;
        next = 0;
    }
}
