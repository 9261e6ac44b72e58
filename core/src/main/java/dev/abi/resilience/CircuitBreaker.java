package dev.abi.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A circuit breaker for one upstream (the object store, a model fetch, the GPU service). Closed, it passes calls and
 * records the outcomes of the last {@code windowSize}; once at least {@code minimumCalls} are recorded and the share
 * of failures, or of calls slower than {@code slowCall}, reaches its threshold, it opens. Open, it refuses calls with
 * {@link CircuitOpenException} (or hands them to a fallback) for {@code openDuration}; then, half-open, it lets
 * {@code halfOpenCalls} trial calls through: all fine closes it, one bad reopens it.
 *
 * <p>Every outcome is recorded: an {@link Error} thrown by a call (a stack overflow, an out-of-memory on a large
 * read) counts as a failure and is rethrown unchanged. A trial that has not returned within {@code trialTimeout}
 * counts as failed, so a trial that never returns cannot hold the breaker half-open for good; its late outcome is
 * then ignored. All timing is read from the injected {@link Clock}; the breaker starts no thread. Each change of
 * state is told to a {@link Listener}.
 */
public final class CircuitBreaker {

    /** The breaker's states. */
    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    /**
     * Told of each change of state. It is called while the breaker holds its lock, in the order the changes happen,
     * so it must be quick and must not wait on other threads; an exception it throws is logged and ignored.
     */
    @FunctionalInterface
    public interface Listener {

        /** The breaker {@code name} went from {@code from} to {@code to}. */
        void onStateChange(String name, State from, State to);

        /** The default listener: logs opening at WARNING, half-opening and closing at INFO. */
        static Listener logging() {
            return LoggingListener.INSTANCE;
        }
    }

    /**
     * The breaker's settings; build them with {@link #builder()}, or take {@link #defaults()}.
     *
     * @param failureRate  share of failed calls in the window that opens the breaker (0..1]
     * @param slowCallRate share of slow calls in the window that opens it (0..1]
     * @param trialTimeout how long a half-open trial may run before it counts as failed
     */
    public record Config(
            int windowSize,
            int minimumCalls,
            double failureRate,
            Duration slowCall,
            double slowCallRate,
            Duration openDuration,
            int halfOpenCalls,
            Duration trialTimeout) {
        public Config {
            if (windowSize < 1 || minimumCalls < 1 || minimumCalls > windowSize || halfOpenCalls < 1) {
                throw new IllegalArgumentException("windowSize >= minimumCalls >= 1 and halfOpenCalls >= 1 required");
            }
            if (failureRate <= 0 || failureRate > 1 || slowCallRate <= 0 || slowCallRate > 1) {
                throw new IllegalArgumentException("rates must be in (0, 1]");
            }
            requirePositive("slowCall", slowCall);
            requirePositive("openDuration", openDuration);
            requirePositive("trialTimeout", trialTimeout);
        }

        /** 20 calls, at least 10, 50% failed or 80% slower than 5 s; open 15 s; 3 trials of at most 5 s. */
        public static Config defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        private static void requirePositive(String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + " must be a positive duration, was " + d);
            }
        }

        /** Builds a {@link Config}; each option not set keeps the default its method names. */
        public static final class Builder {
            private int windowSize = 20;
            private int minimumCalls = 10;
            private double failureRate = 0.5;
            private Duration slowCall = Duration.ofSeconds(5);
            private double slowCallRate = 0.8;
            private Duration openDuration = Duration.ofSeconds(15);
            private int halfOpenCalls = 3;
            private Duration trialTimeout;

            private Builder() {}

            /** How many of the last calls are recorded while closed. Default 20. */
            public Builder windowSize(int windowSize) {
                this.windowSize = windowSize;
                return this;
            }

            /** How many calls must be recorded before the rates can open the breaker. Default 10. */
            public Builder minimumCalls(int minimumCalls) {
                this.minimumCalls = minimumCalls;
                return this;
            }

            /** Share of failed calls in the window that opens the breaker, in (0, 1]. Default 0.5. */
            public Builder failureRate(double failureRate) {
                this.failureRate = failureRate;
                return this;
            }

            /** A call taking at least this long is slow. Default 5 s. */
            public Builder slowCall(Duration slowCall) {
                this.slowCall = slowCall;
                return this;
            }

            /** Share of slow calls in the window that opens the breaker, in (0, 1]. Default 0.8. */
            public Builder slowCallRate(double slowCallRate) {
                this.slowCallRate = slowCallRate;
                return this;
            }

            /** How long the breaker stays open before it lets trials through. Default 15 s. */
            public Builder openDuration(Duration openDuration) {
                this.openDuration = openDuration;
                return this;
            }

            /** How many trials, all fine, close a half-open breaker. Default 3. */
            public Builder halfOpenCalls(int halfOpenCalls) {
                this.halfOpenCalls = halfOpenCalls;
                return this;
            }

            /**
             * How long a half-open trial may hold its permit before it counts as failed. Default: the
             * {@link #slowCall(Duration) slowCall} threshold (a trial that slow fails anyway).
             */
            public Builder trialTimeout(Duration trialTimeout) {
                this.trialTimeout = trialTimeout;
                return this;
            }

            public Config build() {
                return new Config(
                        windowSize,
                        minimumCalls,
                        failureRate,
                        slowCall,
                        slowCallRate,
                        openDuration,
                        halfOpenCalls,
                        trialTimeout != null ? trialTimeout : slowCall);
            }
        }
    }

    /** What a permitted call started under: the state's generation, its trial slot (-1 if none) and start time. */
    private record Permit(long generation, int trialSlot, long startMillis) {}

    private static final long FREE = -1;

    private final String name;
    private final Config config;
    private final Clock clock;
    private final Predicate<Throwable> countsAsFailure;
    private final Listener listener;
    private final boolean[] failed;
    private final boolean[] slow;
    private final long[] trialStarts;
    private int recorded;
    private int next;
    private State state = State.CLOSED;
    private long generation;
    private long openedAt;
    private int trialsStarted;
    private int trialsSucceeded;

    /** A breaker whose changes of state are logged ({@link Listener#logging()}). */
    public CircuitBreaker(String name, Config config, Clock clock, Predicate<Throwable> countsAsFailure) {
        this(name, config, clock, countsAsFailure, Listener.logging());
    }

    /**
     * @param countsAsFailure which exceptions are the upstream's fault (a missing object is not); an {@link Error}
     *                        always is
     * @param listener        told of each change of state
     */
    public CircuitBreaker(
            String name, Config config, Clock clock, Predicate<Throwable> countsAsFailure, Listener listener) {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.countsAsFailure = Objects.requireNonNull(countsAsFailure, "countsAsFailure");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.failed = new boolean[config.windowSize()];
        this.slow = new boolean[config.windowSize()];
        this.trialStarts = new long[config.halfOpenCalls()];
    }

    public String name() {
        return name;
    }

    /** The state now: an open breaker whose {@code openDuration} has passed is half-open. */
    public synchronized State state() {
        advance(clock.millis());
        return state;
    }

    /** Runs {@code call} through the breaker. @throws CircuitOpenException while open */
    public <T> T call(Supplier<T> call) {
        return call(call, null);
    }

    /**
     * Runs {@code call} through the breaker; while it is open, or when the call fails with a
     * {@link RuntimeException}, {@code fallback} (if given) answers instead (the GPU routing falls back to the CPU
     * this way). An {@link Error} is recorded as a failure and rethrown unchanged, never handed to the fallback.
     */
    public <T> T call(Supplier<T> call, Function<RuntimeException, T> fallback) {
        Permit permit = permit();
        if (permit == null) {
            CircuitOpenException open = new CircuitOpenException(name, retryAfterSeconds());
            if (fallback != null) {
                return fallback.apply(open);
            }
            throw open;
        }
        T result;
        try {
            result = call.get();
        } catch (Throwable t) {
            boolean failure = t instanceof Error || countsAsFailure.test(t);
            record(permit, failure);
            if (failure && fallback != null && t instanceof RuntimeException e) {
                return fallback.apply(e);
            }
            throw t;
        }
        record(permit, false);
        return result;
    }

    /** Seconds until an open breaker lets a trial call through. */
    public synchronized long retryAfterSeconds() {
        long left = config.openDuration().toMillis() - (clock.millis() - openedAt);
        return Math.max(1, (left + 999) / 1000);
    }

    private synchronized Permit permit() {
        long now = clock.millis();
        advance(now);
        return switch (state) {
            case OPEN -> null;
            case CLOSED -> new Permit(generation, -1, now);
            case HALF_OPEN -> {
                if (trialsStarted >= config.halfOpenCalls()) {
                    yield null;
                }
                int slot = trialsStarted++;
                trialStarts[slot] = now;
                yield new Permit(generation, slot, now);
            }
        };
    }

    /**
     * Moves the state along the clock: a half-open trial held past {@code trialTimeout} fails (the breaker reopens
     * as of that deadline), and an open breaker whose {@code openDuration} has passed half-opens.
     */
    private void advance(long now) {
        if (state == State.HALF_OPEN) {
            long oldest = Long.MAX_VALUE;
            for (long start : trialStarts) {
                if (start != FREE) {
                    oldest = Math.min(oldest, start);
                }
            }
            long timeout = config.trialTimeout().toMillis();
            if (oldest != Long.MAX_VALUE && now - oldest >= timeout) {
                open(oldest + timeout);
            }
        }
        if (state == State.OPEN && now - openedAt >= config.openDuration().toMillis()) {
            moveTo(State.HALF_OPEN);
            trialsStarted = 0;
            trialsSucceeded = 0;
            Arrays.fill(trialStarts, FREE);
        }
    }

    private synchronized void record(Permit permit, boolean failure) {
        long now = clock.millis();
        boolean slowCall = now - permit.startMillis() >= config.slowCall().toMillis();
        advance(now);
        if (permit.generation() != generation) {
            return; // the breaker moved on while this call ran (or its trial timed out): a stale outcome
        }
        if (state == State.HALF_OPEN) {
            trialStarts[permit.trialSlot()] = FREE;
            if (failure || slowCall) {
                open(now);
            } else if (++trialsSucceeded >= config.halfOpenCalls()) {
                moveTo(State.CLOSED);
                recorded = 0;
                next = 0;
            }
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
                open(now);
            }
        }
    }

    private void open(long at) {
        moveTo(State.OPEN);
        openedAt = at;
        recorded = 0;
        next = 0;
    }

    private void moveTo(State to) {
        State from = state;
        state = to;
        generation++;
        try {
            listener.onStateChange(name, from, to);
        } catch (RuntimeException e) {
            LoggingListener.LOG.log(System.Logger.Level.WARNING, "circuit breaker " + name + ": listener failed", e);
        }
    }
}
