package dev.abi.azure;

import dev.abi.functions.MicrometerMetrics;
import io.micrometer.core.instrument.Metrics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Metrics of the Azure package: Micrometer's global registry, which the Application Insights Java agent (on in the
 * Functions Java worker with {@code APPLICATIONINSIGHTS_ENABLE_AGENT=true}) exports as {@code customMetrics}. Without
 * the agent the global registry holds no registry of its own and what is recorded goes nowhere.
 */
public class AzureMetricsBeans {

    @Produces
    @Singleton
    dev.abi.telemetry.Metrics metrics() {
        return new MicrometerMetrics(Metrics.globalRegistry);
    }
}
