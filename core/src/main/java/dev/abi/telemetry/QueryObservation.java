package dev.abi.telemetry;

import java.time.Duration;

/**
 * One query, observed: its {@code query} span, the {@link QueryPath} it took, and once answered its sample of
 * {@code abi.query} (tagged with device and path) and, when another caller's search answered it, a count in
 * {@code abi.query.coalesced}. A query that fails is only closed: it shows in the request's metrics, not here.
 */
public final class QueryObservation implements AutoCloseable {

    private final Metrics metrics;
    private final long start = System.nanoTime();
    private final QueryPath.Probe probe;
    private final Tracing.Span span;

    private QueryObservation(Metrics metrics) {
        this.metrics = metrics;
        this.probe = QueryPath.begin();
        this.span = Telemetry.tracing().start("query");
    }

    /** Starts observing a query on this thread; close it on the same thread. */
    public static QueryObservation start(Metrics metrics) {
        return new QueryObservation(metrics);
    }

    /**
     * The query was answered by {@code device} ({@code cpu} or {@code gpu}).
     *
     * @return the path it took
     */
    public String answered(String device) {
        String path = QueryPath.GPU.equals(device) ? QueryPath.GPU : probe.path();
        span.attribute("abi.query.path", path).attribute("abi.device", device);
        metrics.record(MetricNames.QUERY, Duration.ofNanos(System.nanoTime() - start), "device", device, "path", path);
        if (path.equals(QueryPath.COALESCED) || path.equals(QueryPath.CACHED)) {
            metrics.count(MetricNames.QUERY_COALESCED, "outcome", path);
        }
        return path;
    }

    /** Marks the query failed. */
    public void failed(Throwable failure) {
        span.error(failure);
    }

    @Override
    public void close() {
        try {
            span.close();
        } finally {
            probe.close();
        }
    }
}
