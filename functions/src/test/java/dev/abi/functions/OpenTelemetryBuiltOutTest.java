package dev.abi.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.abi.telemetry.Telemetry;
import dev.abi.telemetry.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local server packaged with {@code -Dquarkus.otel.enabled=false} (OpenTelemetry built out, and with it the
 * extension's start-up work, which it does even with the SDK off: docs/operations.md, "Cost"): it starts, serves, and
 * records no span of ours.
 */
@QuarkusTest
@TestProfile(OpenTelemetryBuiltOutTest.BuiltOut.class)
class OpenTelemetryBuiltOutTest {

    /** The build-time switch, as {@code ./mvnw package -Dquarkus.otel.enabled=false} sets it. */
    public static class BuiltOut implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.enabled", "false");
        }
    }

    @Inject
    Tracing tracing;

    @Test
    void startsAndServesWithTheNoOpTracerAndNoOpenTelemetryBean() {
        given().get("/health").then().statusCode(200);
        assertFalse(
                Arc.container().select(OpenTelemetry.class).isResolvable(),
                "no OpenTelemetry bean is built into the package");
        assertSame(Tracing.NOOP, tracing);
        assertSame(Tracing.NOOP, Telemetry.tracing());
    }
}
