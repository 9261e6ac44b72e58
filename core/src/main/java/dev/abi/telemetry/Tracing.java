package dev.abi.telemetry;

/**
 * Where core opens trace spans: one per request, query, commit and object-store call. Core knows nothing of the
 * tracer behind it; the local server implements it on the OpenTelemetry API (off unless configured), everything else
 * gets {@link #NOOP}. A span is current on the thread that opened it until closed, so spans opened meanwhile on that
 * thread become its children. Implementations must be quick and must not throw.
 */
public interface Tracing {

    /** Opens nothing: the default wherever no tracer is bound. */
    Tracing NOOP = (name, attributes) -> Span.NONE;

    /**
     * Opens a span as a child of the current one and makes it current until it is closed (on the same thread).
     *
     * @param attributes key, value, key, value...; an odd count is a programming error
     */
    Span start(String name, String... attributes);

    /**
     * Runs {@code work} in a span of its own, marked failed if it throws.
     *
     * @param attributes key, value, key, value...
     */
    default <T> T inSpan(String name, java.util.function.Supplier<T> work, String... attributes) {
        try (Span span = start(name, attributes)) {
            try {
                return work.get();
            } catch (RuntimeException | Error e) {
                span.error(e);
                throw e;
            }
        }
    }

    /** An open span; close it with try-with-resources. */
    interface Span extends AutoCloseable {

        /** A span that records nothing. */
        Span NONE = new Span() {
            @Override
            public Span attribute(String key, String value) {
                return this;
            }

            @Override
            public void error(Throwable failure) {}

            @Override
            public void close() {}
        };

        /** Adds an attribute (a low-cardinality fact, or the request id; never a secret or a body). */
        Span attribute(String key, String value);

        /** Marks the span failed with {@code failure}. */
        void error(Throwable failure);

        /** Ends the span and makes its parent current again; never throws. */
        @Override
        void close();
    }
}
