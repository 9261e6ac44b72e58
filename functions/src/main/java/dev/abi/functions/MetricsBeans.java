package dev.abi.functions;

import dev.abi.telemetry.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Binds core's {@link Metrics} to Micrometer where the package serves HTTP itself (the local server, GCF), and so has
 * Quarkus' Prometheus endpoint, {@code GET /metrics}. The packages built without that route (Lambda, Azure) leave
 * Micrometer's HTTP endpoint out: Lambda binds EMF lines, Azure Micrometer's global registry.
 */
@ApplicationScoped
@IfBuildProperty(name = "abi.vertx-route", stringValue = "true", enableIfMissing = true)
public class MetricsBeans {

    @Produces
    @Singleton
    Metrics metrics(MeterRegistry registry) {
        return new MicrometerMetrics(registry);
    }
}
