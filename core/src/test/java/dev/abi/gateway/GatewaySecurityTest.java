package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.gateway.auth.Authenticator;
import dev.abi.gateway.ratelimit.InMemoryCounterStore;
import dev.abi.gateway.ratelimit.RateLimitPolicy;
import dev.abi.gateway.ratelimit.RateLimiter;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectMetadataStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rate limits, idempotent replay, CORS, security headers and the header size limit through the gateway. */
class GatewaySecurityTest {

    private static final String BOOT = "Bearer bootstrap-key-0123456789";

    private Gateway gateway(GatewaySecurity security) {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        return new Gateway(
                new NamespaceService(new NamespaceStore(objects)),
                Limits.defaults(),
                List.of(),
                new ObjectMetadataStore(objects, Clock.systemUTC()),
                null,
                null,
                security);
    }

    private static HttpRequest post(String path, String body, Map<String, String> headers) {
        return new HttpRequest("POST", path, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void overTheLimitIs429WithRetryAfterAndRateLimitHeaders() {
        MutableClock clock = new MutableClock(0);
        RateLimiter limiter = new RateLimiter(
                List.of(new RateLimitPolicy(
                        "q",
                        RateLimitPolicy.Algorithm.FIXED_WINDOW,
                        2,
                        Duration.ofMinutes(1),
                        true,
                        Set.of("POST /v1/namespaces/{ns}/query"),
                        Set.of())),
                new InMemoryCounterStore(clock),
                clock);
        Gateway g = gateway(new GatewaySecurity(
                new Authenticator(true, "bootstrap-key-0123456789", null, null), limiter, null, null));
        Map<String, String> auth = Map.of("Authorization", BOOT);
        assertEquals(
                200,
                g.handle(post("/v1/namespaces/n/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}", auth))
                        .status());
        HttpResponse first = g.handle(post("/v1/namespaces/n/query", "{\"vector\":[1,0]}", auth));
        assertEquals(200, first.status());
        assertEquals("2", first.headers().get("RateLimit-Limit"));
        assertEquals("1", first.headers().get("RateLimit-Remaining"));
        assertEquals(
                200,
                g.handle(post("/v1/namespaces/n/query", "{\"vector\":[1,0]}", auth))
                        .status());
        HttpResponse limited = g.handle(post("/v1/namespaces/n/query", "{\"vector\":[1,0]}", auth));
        assertEquals(429, limited.status());
        assertEquals("60", limited.headers().get("Retry-After"));
        assertEquals("0", limited.headers().get("RateLimit-Remaining"));
        assertTrue(limited.bodyText().contains("rate-limited"), limited.bodyText());
        assertEquals(
                200,
                g.handle(post("/v1/namespaces/n/vectors", "{\"vectors\":[{\"id\":\"b\",\"values\":[1,0]}]}", auth))
                        .status(),
                "the policy names the query route only");
    }

    @Test
    void theSameIdempotencyKeyReplaysAndADifferentBodyIs422() {
        Gateway g = gateway(GatewaySecurity.none());
        Map<String, String> key = Map.of("Idempotency-Key", "req-1");
        HttpResponse first =
                g.handle(post("/v1/namespaces/n/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}", key));
        HttpResponse again =
                g.handle(post("/v1/namespaces/n/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}", key));
        assertEquals(first.bodyText(), again.bodyText());
        assertEquals("true", again.headers().get("Idempotent-Replayed"));
        HttpResponse other =
                g.handle(post("/v1/namespaces/n/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[0,1]}]}", key));
        assertEquals(422, other.status(), other.bodyText());
        HttpResponse version = g.handle(new HttpRequest("GET", "/v1/namespaces/n", Map.of(), Map.of(), null));
        assertTrue(version.bodyText().contains("\"version\":1"), "applied once: " + version.bodyText());
    }

    @Test
    void corsAndSecurityHeadersAreOffByDefaultAndAppliedWhenConfigured() {
        HttpRequest fromBrowser =
                new HttpRequest("GET", "/health", Map.of(), Map.of("Origin", "https://app.test"), null);
        HttpResponse plain = gateway(GatewaySecurity.none()).handle(fromBrowser);
        assertFalse(plain.headers().containsKey("Access-Control-Allow-Origin"));
        assertFalse(plain.headers().containsKey("Strict-Transport-Security"));

        Gateway g = gateway(
                new GatewaySecurity(null, null, GatewaySecurity.recommendedHeaders(), List.of("https://app.test")));
        HttpResponse r = g.handle(fromBrowser);
        assertEquals("https://app.test", r.headers().get("Access-Control-Allow-Origin"));
        assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
        HttpResponse preflight = g.handle(new HttpRequest(
                "OPTIONS",
                "/v1/namespaces/n/query",
                Map.of(),
                Map.of("Origin", "https://app.test", "Access-Control-Request-Method", "POST"),
                null));
        assertEquals(204, preflight.status());
        assertTrue(preflight.headers().get("Access-Control-Allow-Headers").contains("Authorization"));
        HttpResponse stranger =
                g.handle(new HttpRequest("GET", "/health", Map.of(), Map.of("Origin", "https://evil.test"), null));
        assertFalse(stranger.headers().containsKey("Access-Control-Allow-Origin"));
    }

    @Test
    void oversizedHeadersAre431() {
        HttpResponse r = gateway(GatewaySecurity.none())
                .handle(new HttpRequest(
                        "GET", "/health", Map.of(), Map.of("X-Big", "x".repeat(Gateway.MAX_HEADER_BYTES + 1)), null));
        assertEquals(431, r.status());
    }
}
