package dev.abi.gcp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.abi.telemetry.Telemetry;
import dev.abi.telemetry.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The Cloud Functions package is built without OpenTelemetry ({@code quarkus.otel.enabled=false} in its
 * application.properties): the extension's start-up work, done even with the SDK off, would cost each cold start
 * about 70 ms of CPU (docs/operations.md, "Cold start"). Google's front end traces the request instead.
 */
@QuarkusTest
class OpenTelemetryBuiltOutTest {

    @Inject
    Tracing tracing;

    @Test
    void thePackageHasNoOpenTelemetryBeanAndUsesTheNoOpTracer() {
        assertFalse(
                Arc.container().select(OpenTelemetry.class).isResolvable(),
                "OpenTelemetry is built into the Cloud Functions package: set quarkus.otel.enabled=false");
        assertSame(Tracing.NOOP, tracing);
        assertSame(Tracing.NOOP, Telemetry.tracing());
    }
}
