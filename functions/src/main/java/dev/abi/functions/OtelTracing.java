package dev.abi.functions;

import dev.abi.telemetry.Tracing;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * Core's {@link Tracing} on the OpenTelemetry API: each span is a child of the current context (the HTTP server
 * span Quarkus opens for the request, or one of ours) and is current until closed.
 */
final class OtelTracing implements Tracing {

    private final Tracer tracer;

    OtelTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Tracing.Span start(String name, String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "attributes come in key/value pairs; got " + attributes.length + " strings for span " + name);
        }
        SpanBuilder builder = tracer.spanBuilder(name);
        for (int i = 0; i < attributes.length; i += 2) {
            builder.setAttribute(attributes[i], attributes[i + 1]);
        }
        io.opentelemetry.api.trace.Span span = builder.startSpan();
        return new Open(span, span.makeCurrent());
    }

    private record Open(io.opentelemetry.api.trace.Span span, Scope scope) implements Tracing.Span {

        @Override
        public Tracing.Span attribute(String key, String value) {
            span.setAttribute(key, value);
            return this;
        }

        @Override
        public void error(Throwable failure) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            span.recordException(failure);
        }

        @Override
        public void close() {
            try {
                scope.close();
            } finally {
                span.end();
            }
        }
    }
}
