package dev.abi.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * An Azure invocation records its metrics in Micrometer's global registry, where the Application Insights Java agent
 * reads them (the agent adds its own registry there; this test adds a simple one in its place).
 */
@QuarkusTest
class AzureMetricsTest {

    @Inject
    AzureHttpFunction function;

    @Test
    void anUpsertThroughTheHttpTriggerIsInTheGlobalRegistry() {
        SimpleMeterRegistry agent = new SimpleMeterRegistry();
        Metrics.addRegistry(agent);
        try {
            HostRequest.Reply reply = (HostRequest.Reply) function.handle(
                    HostRequest.of(
                            "POST",
                            "/v1/namespaces/azure-metrics/vectors",
                            "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}"),
                    null);
            assertEquals(200, reply.status().value(), reply.bodyText());
            Timer requests = agent.find("abi.http.requests")
                    .tag("route", "POST /v1/namespaces/{ns}/vectors")
                    .tag("status", "200")
                    .timer();
            assertNotNull(requests, agent.getMetersAsString());
            assertEquals(1, requests.count());
            assertTrue(agent.find("abi.commits").tag("op", "upsert").counter().count() >= 1, agent.getMetersAsString());
            assertNotNull(agent.find("abi.store.calls").tag("op", "putIfAbsent").timer(), agent.getMetersAsString());
        } finally {
            Metrics.removeRegistry(agent);
        }
    }
}
