package dev.abi.functions;

import dev.abi.telemetry.Metrics;
import dev.abi.telemetry.Telemetry;
import dev.abi.telemetry.Tracing;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Installs the package's {@link Metrics} and {@link Tracing} as the process's ({@link Telemetry}) at start, for the
 * core code that is not handed them (the commit log, the indexer, inference). Tracing is a no-op unless a package
 * binds one ({@link OtelTracingBeans} on the packages with the local HTTP server).
 */
@ApplicationScoped
public class TelemetryBeans {

    @Produces
    @DefaultBean
    @Singleton
    Tracing tracing() {
        return Tracing.NOOP;
    }

    void install(@Observes @Priority(1) StartupEvent ignored, Metrics metrics, Tracing tracing) {
        Telemetry.install(metrics, tracing);
    }
}
