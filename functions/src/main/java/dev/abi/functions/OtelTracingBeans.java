package dev.abi.functions;

import dev.abi.telemetry.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Binds core's {@link Tracing} to OpenTelemetry where the package serves HTTP itself (the local server, GCF). The SDK
 * is off unless {@code quarkus.otel.sdk.disabled=false}; off, no span of ours is opened ({@link Tracing#NOOP}). The packages without the route (Lambda, Azure) leave OpenTelemetry out and get the no-op tracer.
 *
 * <p>A package built with {@code -Dquarkus.otel.enabled=false} has no OpenTelemetry at all (the extension's start-up
 * work included, which it does even with the SDK off) and gets the no-op tracer too.
 */
@ApplicationScoped
@IfBuildProperty(name = "abi.vertx-route", stringValue = "true", enableIfMissing = true)
@IfBuildProperty(name = "quarkus.otel.enabled", stringValue = "true", enableIfMissing = true)
public class OtelTracingBeans {

    @Produces
    @Singleton
    Tracing tracing(
            OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean disabled) {
        // disabled, Quarkus still hands out a minimal SDK whose spans go nowhere: ours are not even opened
        return disabled ? Tracing.NOOP : new OtelTracing(openTelemetry.getTracer("dev.abi"));
    }
}
