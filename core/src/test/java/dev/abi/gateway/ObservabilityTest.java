package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.events.DeadLetters;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.gateway.ratelimit.InMemoryCounterStore;
import dev.abi.gateway.ratelimit.RateLimitPolicy;
import dev.abi.gateway.ratelimit.RateLimiter;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.FaultyObjectStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObservedObjectStore;
import dev.abi.telemetry.InMemoryMetrics;
import dev.abi.telemetry.RecordingTracing;
import dev.abi.telemetry.RequestContext;
import dev.abi.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request ids, the access log and the metrics of the gateway, read from the outside: headers, bodies, log records. */
class ObservabilityTest {

    /** A log record as it was published, with the request id current on the publishing thread. */
    private record Logged(String logger, String message, String contextId) {}

    private final List<Logged> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(new Logged(
                        r.getLoggerName(),
                        r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()),
                        RequestContext.currentId()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Logger root = Logger.getLogger("");
    private final InMemoryMetrics metrics = new InMemoryMetrics();

    @BeforeEach
    void listen() {
        root.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        root.removeHandler(capture);
    }

    private static HttpRequest request(String method, String path, String body, Map<String, String> headers) {
        return new HttpRequest(
                method, path, Map.of(), headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse r) throws Exception {
        return JsonBodies.MAPPER.readTree(r.bufferedBody());
    }

    private List<JsonNode> accessLines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        synchronized (logged) {
            for (Logged l : logged) {
                if (l.logger().equals(AccessLog.LOGGER)) {
                    out.add(JsonBodies.MAPPER.readTree(l.message()));
                }
            }
        }
        return out;
    }

    @Test
    void oneRequestIdFollowsFromTheReplyHeaderThroughTheProblemBodyIntoEveryLogLine() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        FaultyObjectStore store = new FaultyObjectStore(new InMemoryObjectStore(), 1)
                .before(c -> broken.get(), Integer.MAX_VALUE, c -> {
                    throw new IllegalStateException("the disk is on fire");
                });
        Gateway g = Gateway.builder(new NamespaceService(new NamespaceStore(store)))
                .metrics(metrics)
                .build();
        assertEquals(
                200,
                g.handle(request(
                                "POST",
                                "/v1/namespaces/docs/vectors",
                                "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}",
                                Map.of()))
                        .status());
        broken.set(true);
        synchronized (logged) {
            logged.clear();
        }

        HttpResponse r =
                g.handle(request("GET", "/v1/namespaces/docs/vectors/a", null, Map.of("X-Request-Id", "req-7f3a.1:b")));

        assertEquals(500, r.status(), r.bodyText());
        assertEquals("req-7f3a.1:b", r.headers().get("X-Request-Id"));
        assertEquals("req-7f3a.1:b", json(r).get("requestId").asText(), r.bodyText());
        assertFalse(r.bodyText().contains("on fire"), "a 500 names no internals: " + r.bodyText());
        List<Logged> lines;
        synchronized (logged) {
            lines = List.copyOf(logged);
        }
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.logger().equals(ProblemMapper.class.getName())
                                && l.message().contains("req-7f3a.1:b")
                                && l.message().contains("on fire")),
                "the stack trace's line names the request: " + lines);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.logger().equals(AccessLog.LOGGER)
                                && l.message().contains("\"requestId\":\"req-7f3a.1:b\"")),
                "the access line: " + lines);
        for (Logged l : lines) {
            assertEquals("req-7f3a.1:b", l.contextId(), "every line of the request carries its id: " + l);
        }
        assertEquals(null, RequestContext.currentId(), "the id does not outlive the request");
    }

    @Test
    void everyReplyCarriesAnIdEvenWithoutOneAskedForAndOpenAiErrorsCarryItToo() throws Exception {
        Gateway g = Gateway.builder(new NamespaceService(new NamespaceStore(new InMemoryObjectStore())))
                .build();
        HttpResponse health = g.handle(request("GET", "/health", null, Map.of("X-Request-Id", "bad id\r\nx")));
        String made = health.headers().get("X-Request-Id");
        assertNotNull(made);
        assertFalse(made.contains(" "), "an insane client id is replaced: " + made);

        HttpResponse fromPlatform = g.handle(request("GET", "/nope", null, Map.of()), "apigw-123");
        assertEquals(404, fromPlatform.status());
        assertEquals("apigw-123", fromPlatform.headers().get("X-Request-Id"));
        assertEquals("apigw-123", json(fromPlatform).get("requestId").asText());

        HttpResponse openAi = g.handle(request(
                "POST",
                "/v1/embeddings",
                "{\"input\":\"hi\"}",
                Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
        assertEquals(501, openAi.status(), openAi.bodyText());
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", openAi.headers().get("X-Request-Id"));
        assertEquals(
                "4bf92f3577b34da6a3ce929d0e0e4736",
                json(openAi).path("error").path("request_id").asText(),
                openAi.bodyText());
    }

    @Test
    void theAccessLogNamesTheRoutePatternAndNoBodyOrSecret() throws Exception {
        String key = "bootstrap-key-0123456789";
        Gateway g = Gateway.builder(new NamespaceService(new NamespaceStore(new InMemoryObjectStore())))
                .security(new GatewaySecurity(new Authenticator(true, key, null, null), null, null, null))
                .metrics(metrics)
                .build();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + key, "X-Request-Id", "q-1");
        g.handle(request(
                "POST",
                "/v1/namespaces/docs/vectors",
                "{\"vectors\":[{\"id\":\"secret-id\",\"values\":[0.25,0.75]}]}",
                auth));
        String query = "{\"vector\":[0.25,0.75],\"topK\":1}";
        HttpResponse answer = g.handle(request("POST", "/v1/namespaces/docs/query", query, auth));
        assertEquals(200, answer.status(), answer.bodyText());

        JsonNode line = accessLines().get(accessLines().size() - 1);
        assertEquals("q-1", line.get("requestId").asText());
        assertEquals("POST", line.get("method").asText());
        assertEquals("POST /v1/namespaces/{ns}/query", line.get("route").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals("docs", line.get("namespace").asText());
        assertEquals("bootstrap", line.get("principal").asText(), line.toString());
        assertEquals(query.length(), line.get("bytesIn").asLong());
        assertEquals(answer.body().length, line.get("bytesOut").asLong());
        assertEquals("cpu", line.get("device").asText());
        assertTrue(line.get("latencyMs").asDouble() >= 0, line.toString());
        for (JsonNode l : accessLines()) {
            assertFalse(l.toString().contains(key), "no secret: " + l);
            assertFalse(l.toString().contains("secret-id") || l.toString().contains("0.75"), "no body: " + l);
            assertFalse(l.toString().contains("Bearer"), "no header value: " + l);
        }
    }

    @Test
    void requestsQueriesCommitsAndRateLimitRejectionsAreCounted() {
        MutableClock clock = new MutableClock(0);
        RateLimiter limiter = new RateLimiter(
                List.of(new RateLimitPolicy(
                        "queries",
                        RateLimitPolicy.Algorithm.FIXED_WINDOW,
                        1,
                        Duration.ofMinutes(1),
                        false,
                        Set.of("POST /v1/namespaces/{ns}/query"),
                        Set.of())),
                new InMemoryCounterStore(clock),
                clock);
        Gateway g = Gateway.builder(new NamespaceService(new NamespaceStore(new InMemoryObjectStore())))
                .security(new GatewaySecurity(Authenticator.disabled(), limiter, null, null))
                .metrics(metrics)
                .build();
        Map<String, String> none = new HashMap<>();
        g.handle(request(
                "POST", "/v1/namespaces/docs/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}", none));
        g.handle(request("POST", "/v1/namespaces/docs/vectors/delete", "{\"ids\":[\"a\"]}", none));
        assertEquals(
                200,
                g.handle(request("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,0]}", none))
                        .status());
        assertEquals(
                429,
                g.handle(request("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,0]}", none))
                        .status());
        g.handle(request("GET", "/no/such/route", null, none));

        String d = metrics.describe();
        assertEquals(1, metrics.counter("abi.commits", "op", "upsert"), d);
        assertEquals(1, metrics.counter("abi.commits", "op", "delete"), d);
        assertEquals(1, metrics.timerCount("abi.query", "device", "cpu", "path", "exact"), d);
        assertEquals(1, metrics.counter("abi.ratelimit.rejections", "policy", "queries"), d);
        assertEquals(
                1,
                metrics.timerCount("abi.http.requests", "route", "POST /v1/namespaces/{ns}/query", "status", "200"),
                d);
        assertEquals(
                1,
                metrics.timerCount("abi.http.requests", "route", "POST /v1/namespaces/{ns}/query", "status", "429"),
                d);
        assertEquals(1, metrics.timerCount("abi.http.requests", "route", "unmatched", "status", "404"), d);
    }

    @Test
    void aDeadLetterIsCountedOnceHoweverOftenItIsRecorded() {
        DeadLetters letters = new DeadLetters(new InMemoryObjectStore(), metrics);
        DeadLetters.DeadLetter letter = new DeadLetters.DeadLetter("b", "k.pdf", "w1", "unknown format", Instant.EPOCH);
        letters.record(letter);
        letters.record(letter);
        assertEquals(1, metrics.counter("abi.events.dead_lettered"), metrics.describe());
    }

    @Test
    void aQueryIsTaggedWithItsPathAndARepeatIsCountedAsCoalesced() {
        Gateway g = Gateway.builder(new NamespaceService(new NamespaceStore(new InMemoryObjectStore())))
                .metrics(metrics)
                .build();
        Map<String, String> none = new HashMap<>();
        g.handle(request(
                "POST", "/v1/namespaces/docs/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}", none));
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    200,
                    g.handle(request("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,0]}", none))
                            .status());
        }
        String d = metrics.describe();
        assertEquals(1, metrics.timerCount("abi.query", "device", "cpu", "path", "exact"), d);
        assertEquals(1, metrics.timerCount("abi.query", "device", "cpu", "path", "cached"), d);
        assertEquals(1, metrics.counter("abi.query.coalesced", "outcome", "cached"), d);
    }

    @Test
    void oneQueryIsARequestSpanWithTheIdAndQueryAndStoreSpansBelowIt() {
        InMemoryObjectStore shared = new InMemoryObjectStore();
        Map<String, String> none = new HashMap<>();
        Gateway writer = Gateway.builder(new NamespaceService(new NamespaceStore(shared)))
                .build();
        writer.handle(request(
                "POST", "/v1/namespaces/docs/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}", none));
        RecordingTracing tracing = new RecordingTracing();
        try (RequestContext.Scope ignored = Telemetry.install(metrics, tracing)) {
            // a cold instance: its query must read the namespace from the store
            Gateway reader = Gateway.builder(
                            new NamespaceService(new NamespaceStore(new ObservedObjectStore(shared, metrics))))
                    .metrics(metrics)
                    .build();
            assertEquals(
                    200,
                    reader.handle(request(
                                    "POST",
                                    "/v1/namespaces/docs/query",
                                    "{\"vector\":[1,0]}",
                                    Map.of("x-request-id", "trace-me-1")))
                            .status());
        }
        List<RecordingTracing.Ended> spans = tracing.ended();
        RecordingTracing.Ended request = spans.get(spans.size() - 1);
        assertEquals("request", request.name(), spans.toString());
        assertEquals(null, request.parent());
        assertEquals("trace-me-1", request.attributes().get("abi.request_id"));
        assertEquals("POST /v1/namespaces/{ns}/query", request.attributes().get("http.route"));
        assertTrue(
                spans.stream()
                        .anyMatch(s -> s.name().equals("query")
                                && "request".equals(s.parent())
                                && "exact".equals(s.attributes().get("abi.query.path"))),
                spans.toString());
        assertTrue(
                spans.stream().anyMatch(s -> s.name().startsWith("store.") && "query".equals(s.parent())),
                spans.toString());
        assertTrue(
                metrics.timerCount("abi.store.calls", "op", "get", "outcome", "ok")
                                + metrics.timerCount("abi.store.calls", "op", "list", "outcome", "ok")
                        > 0,
                metrics.describe());
    }
}
