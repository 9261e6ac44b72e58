package dev.abi.telemetry;

/**
 * The process's {@link Metrics} and {@link Tracing}, for code far from where the application is wired (the commit
 * log, the indexer, the inference loop), in the way {@link System#getLogger} serves loggers. The application installs
 * its backends once at start; until then, and in code nobody installed anything for, both are no-ops. Classes that
 * are built with a {@code Metrics} of their own (the gateway) use that one.
 */
public final class Telemetry {

    private static volatile Metrics metrics = Metrics.NOOP;
    private static volatile Tracing tracing = Tracing.NOOP;

    private Telemetry() {}

    /** The installed metrics; {@link Metrics#NOOP} when none is. */
    public static Metrics metrics() {
        return metrics;
    }

    /** The installed tracer; {@link Tracing#NOOP} when none is. */
    public static Tracing tracing() {
        return tracing;
    }

    /** The time since {@code startNanos}, a {@link System#nanoTime()} reading. */
    public static java.time.Duration since(long startNanos) {
        return java.time.Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Installs the process's backends (null: the no-op); the returned scope puts the previous ones back, for tests.
     */
    public static RequestContext.Scope install(Metrics newMetrics, Tracing newTracing) {
        Metrics oldMetrics = metrics;
        Tracing oldTracing = tracing;
        metrics = newMetrics == null ? Metrics.NOOP : newMetrics;
        tracing = newTracing == null ? Tracing.NOOP : newTracing;
        return () -> {
            metrics = oldMetrics;
            tracing = oldTracing;
        };
    }
}
