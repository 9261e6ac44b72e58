package dev.abi.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * With the OpenTelemetry SDK switched on (it is off by default), one query to the running local server is one
 * {@code request} span carrying the request id, with the {@code query} span below it and the object-store calls made
 * for it below those, all in one trace. Spans are exported as they end ({@code quarkus.otel.simple}) into memory.
 */
@QuarkusTest
@TestProfile(TracingHttpTest.TracingOn.class)
class TracingHttpTest {

    /** The SDK on, spans exported one by one to the in-memory exporter only. */
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.otel.sdk.disabled",
                    "false",
                    "quarkus.otel.simple",
                    "true",
                    "quarkus.otel.traces.exporter",
                    "cdi",
                    "quarkus.otel.exporter.otlp.enabled",
                    "false");
        }
    }

    /** The exporter Quarkus' OpenTelemetry picks up as a CDI bean. */
    @ApplicationScoped
    static class InMemorySpanExporterProducer {
        @Produces
        @Singleton
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("abi.request_id");

    @Inject
    InMemorySpanExporter exporter;

    @Inject
    OpenTelemetry openTelemetry;

    @Test
    void oneQueryIsARequestSpanWithTheIdAndQueryAndStoreSpansBelowIt() {
        given().body("{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]},{\"id\":\"b\",\"values\":[0,1]}]}")
                .post("/v1/namespaces/traced/vectors")
                .then()
                .statusCode(200);
        exporter.reset();
        given().header("X-Request-Id", "trace-4711")
                .body("{\"vector\":[0.9,0.1],\"topK\":1}")
                .post("/v1/namespaces/traced/query")
                .then()
                .statusCode(200)
                .header("X-Request-Id", "trace-4711");

        // whatever the span processor, everything ended so far is exported when this returns
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            sdk.getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
        }
        List<SpanData> spans = exporter.getFinishedSpanItems();
        String names = spans.stream()
                .map(s -> s.getName() + "<" + s.getParentSpanId())
                .toList()
                .toString();
        SpanData request = spans.stream()
                .filter(s -> s.getName().equals("request")
                        && "trace-4711".equals(s.getAttributes().get(REQUEST_ID)))
                .findFirst()
                .orElse(null);
        assertNotNull(request, "a request span with the id: " + names + " (OpenTelemetry: " + openTelemetry + ")");
        assertEquals(
                "POST /v1/namespaces/{ns}/query", request.getAttributes().get(AttributeKey.stringKey("http.route")));
        List<SpanData> trace = spans.stream()
                .filter(s -> s.getTraceId().equals(request.getTraceId()))
                .toList();
        SpanData query = trace.stream()
                .filter(s -> s.getName().equals("query"))
                .findFirst()
                .orElse(null);
        assertNotNull(query, names);
        assertEquals(request.getSpanId(), query.getParentSpanId(), "the query span is the request's child");
        Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s));
        List<SpanData> store =
                trace.stream().filter(s -> s.getName().startsWith("store.")).toList();
        assertTrue(!store.isEmpty(), "object-store calls in the query's trace: " + names);
        for (SpanData s : store) {
            assertTrue(descendsFrom(s, request.getSpanId(), byId), s.getName() + " under the request: " + names);
        }
    }

    private static boolean descendsFrom(SpanData span, String ancestorId, Map<String, SpanData> byId) {
        for (SpanData s = span; s != null; s = byId.get(s.getParentSpanId())) {
            if (s.getParentSpanId().equals(ancestorId)) {
                return true;
            }
        }
        return false;
    }
}
