package dev.abi.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.telemetry.Telemetry;
import dev.abi.telemetry.Tracing;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of the running local server: the request id from the reply header through the problem body
 * into the log records (with the id in JBoss Logging's MDC), and {@code GET /metrics} after real traffic.
 */
@QuarkusTest
class ObservabilityHttpTest {

    @Inject
    Tracing tracing;

    /** A record of the access log as published, with the MDC's request id at that moment. */
    private record Logged(String message, Object mdcRequestId) {}

    @Test
    void oneRequestIdFollowsFromTheReplyHeaderThroughTheProblemBodyIntoTheLogLines() {
        List<Logged> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (logged) {
                    logged.add(new Logged(r.getMessage(), MDC.get("requestId")));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger access = Logger.getLogger("abi.access");
        access.addHandler(capture);
        try {
            Response r = given().header("X-Request-Id", "op-test-4711")
                    .body("{\"vectors\":[{\"id\":\"a\",\"values\":[1,NaN]}]}")
                    .post("/v1/namespaces/obs-bad/vectors");
            assertEquals(400, r.statusCode(), r.asString());
            assertEquals("op-test-4711", r.header("X-Request-Id"));
            assertEquals("op-test-4711", r.jsonPath().getString("requestId"), r.asString());
        } finally {
            access.removeHandler(capture);
        }
        synchronized (logged) {
            assertTrue(
                    logged.stream()
                            .anyMatch(l -> l.message().contains("\"requestId\":\"op-test-4711\"")
                                    && l.message().contains("\"route\":\"POST /v1/namespaces/{ns}/vectors\"")
                                    && "op-test-4711".equals(l.mdcRequestId())),
                    "access log records: " + logged);
        }
        Response tooLarge = given().header("X-Request-Id", "big-1")
                .contentType("application/x-www-form-urlencoded")
                .body("x".repeat(7 * 1024 * 1024))
                .post("/v1/namespaces/obs-bad/vectors");
        assertEquals(413, tooLarge.statusCode(), tooLarge.asString());
        assertEquals("big-1", tooLarge.header("X-Request-Id"), "refused before the gateway, still with its id");
        assertEquals("big-1", tooLarge.jsonPath().getString("requestId"), tooLarge.asString());
        Response fresh = given().get("/health");
        assertFalse(fresh.header("X-Request-Id").isEmpty(), "a request without an id gets one");
    }

    @Test
    void metricsAreScrapedAfterRealTrafficWithTheRequestQueryAndCommitSeries() {
        given().body("{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]},{\"id\":\"b\",\"values\":[0,1]}]}")
                .post("/v1/namespaces/obs-metrics/vectors")
                .then()
                .statusCode(200);
        given().body("{\"vector\":[0.9,0.1],\"topK\":1}")
                .post("/v1/namespaces/obs-metrics/query")
                .then()
                .statusCode(200);
        given().body("{\"vector\":[0.9,0.1],\"topK\":0}")
                .post("/v1/namespaces/obs-metrics/query")
                .then()
                .statusCode(400);

        Response scrape = given().get("/metrics");
        assertEquals(200, scrape.statusCode());
        assertTrue(
                scrape.contentType().startsWith("text/plain")
                        || scrape.contentType().contains("openmetrics"),
                scrape.contentType());
        String text = scrape.asString();
        assertTrue(
                value(
                                text,
                                "abi_http_requests_seconds_count",
                                "route=\"POST /v1/namespaces/{ns}/vectors\"",
                                "status=\"200\"")
                        >= 1,
                text);
        assertTrue(
                value(
                                text,
                                "abi_http_requests_seconds_count",
                                "route=\"POST /v1/namespaces/{ns}/query\"",
                                "status=\"400\"")
                        >= 1,
                text);
        double queries = value(text, "abi_query_seconds_count", "device=\"cpu\"");
        double querySeconds = value(text, "abi_query_seconds_sum", "device=\"cpu\"");
        assertTrue(queries >= 1, text);
        assertTrue(querySeconds > 0 && querySeconds / queries < 60, "a sane mean query latency: " + querySeconds);
        assertTrue(value(text, "abi_commits_total", "op=\"upsert\"") >= 1, text);
        assertTrue(
                value(text, "abi_query_seconds_count", "device=\"cpu\"", "path=\"exact\"") >= 1,
                "the query path is a tag: " + text);
        double puts = value(text, "abi_store_calls_seconds_count", "op=\"putIfAbsent\"", "outcome=\"ok\"");
        double putSeconds = value(text, "abi_store_calls_seconds_sum", "op=\"putIfAbsent\"", "outcome=\"ok\"");
        assertTrue(puts >= 2, "a commit puts its WAL and its log entry: " + puts);
        assertTrue(putSeconds > 0 && putSeconds / puts < 10, "a sane mean store-call latency: " + putSeconds);
        assertTrue(value(text, "abi_store_calls_seconds_count", "op=\"get\"", "outcome=\"ok\"") >= 1, text);
        assertTrue(text.contains("abi_query_seconds_bucket{"), "latency buckets for percentiles");
        assertFalse(text.contains("obs-metrics"), "no namespace name in a tag (cardinality)");
    }

    @Test
    void metricsHoldOnlyAbisOwnSeriesNoFrameworkBinders() {
        given().get("/health").then().statusCode(200);
        List<String> foreign = given().get("/metrics")
                .asString()
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("abi_"))
                .map(l -> l.replaceAll("[{ ].*", ""))
                .distinct()
                .toList();
        assertEquals(
                List.of(),
                foreign,
                "JVM, system, Vert.x and Netty binders stay off (quarkus.micrometer.binder-enabled-default=false): "
                        + "binding them at start costs the cold start and nothing reads them");
    }

    @Test
    void logLinesArePlainTextByDefault() {
        java.util.logging.Formatter console = JsonLogHttpTest.consoleFormatter(
                org.jboss.logmanager.LogContext.getLogContext().getLogger("").getHandlers());
        assertFalse(
                console == null || console.getClass().getName().toLowerCase().contains("json"),
                "abi.log.format=text: " + console);
    }

    @Test
    void tracingIsOffByDefault() {
        assertSame(Tracing.NOOP, tracing, "no span of ours is opened unless quarkus.otel.sdk.disabled=false");
        assertSame(Tracing.NOOP, Telemetry.tracing(), "nor by core code far from the wiring");
    }

    /**
     * The value of the first sample of {@code name} whose labels include all of {@code labels}; fails if none. A
     * sample may end in an exemplar ({@code # {trace_id=...} ...}) when a trace was current as it was recorded.
     */
    private static double value(String text, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{(.*)} (\\S+)( # .*)?$")
                .matcher(text);
        while (m.find()) {
            boolean all = true;
            for (String l : labels) {
                all &= m.group(1).contains(l);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no sample " + name + " with " + List.of(labels) + " in "
                + text.lines()
                        .filter(l -> l.startsWith("abi_") && !l.contains("_bucket"))
                        .toList());
    }
}
