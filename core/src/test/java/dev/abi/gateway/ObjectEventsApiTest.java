package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.events.ObjectIndexer;
import dev.abi.gateway.auth.ApiKeys;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code /indexObject} and {@code /removeObject} go through the gateway: authentication, roles, validation, rate
 * limits and {@code Idempotency-Key}.
 */
class ObjectEventsApiTest {

    private static final String BOOTSTRAP = "bootstrap-key-0123456789abcdef";

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore state = new InMemoryObjectStore();
    private final InMemoryObjectStore bucket = new InMemoryObjectStore();
    private final NamespaceService namespaces = new NamespaceService(new NamespaceStore(state));
    private final Gateway gateway = Gateway.builder(namespaces)
            .idempotency(new ObjectMetadataStore(state, clock))
            .security(new GatewaySecurity(
                    new Authenticator(true, BOOTSTRAP, new ApiKeys(state, clock), null), null, null, null))
            .objectIndexer(ObjectIndexer.builder(name -> bucket, namespaces)
                    .idempotency(new ObjectMetadataStore(state, clock))
                    .build())
            .clock(clock)
            .build();

    private HttpResponse post(String path, String body, String token) {
        return post(gateway, path, body, token, null);
    }

    private static HttpResponse post(Gateway g, String path, String body, String token, String idempotencyKey) {
        Map<String, String> headers = new HashMap<>();
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            headers.put("Idempotency-Key", idempotencyKey);
        }
        return g.handle(new HttpRequest("POST", path, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8)));
    }

    private String key(String grants) throws Exception {
        HttpResponse r = post("/v1/admin/keys", "{\"name\":\"k\",\"grants\":" + grants + "}", BOOTSTRAP);
        return JsonBodies.MAPPER.readTree(r.body()).get("key").asText();
    }

    @Test
    void anonymousAndReadOnlyCallersCannotIndexAndWritersCan() throws Exception {
        bucket.putIfAbsent("docs/a.jsonl", "{\"id\":\"a\",\"values\":[1,0]}\n".getBytes(StandardCharsets.UTF_8));
        String body = "{\"bucket\":\"handbook\",\"key\":\"docs/a.jsonl\"}";
        assertEquals(401, post("/indexObject", body, null).status());
        assertEquals(401, post("/removeObject", body, null).status());
        assertEquals(403, post("/indexObject", body, key("[\"read:*\"]")).status());
        assertEquals(
                403,
                post("/indexObject", body, key("[\"write:docs\"]")).status(),
                "the namespace is decided by the mapping, so write on every namespace is needed");
        assertTrue(namespaces.list().isEmpty(), "nothing was written by refused calls");
        HttpResponse ok = post("/indexObject", body, key("[\"write:*\"]"));
        assertEquals(200, ok.status(), ok.bodyText());
        JsonNode result = JsonBodies.MAPPER.readTree(ok.body());
        assertEquals("INDEXED", result.get("outcome").asText());
        assertEquals("docs", result.get("namespace").asText());
    }

    @Test
    void hostileOrMalformedBodiesAre400sNamingTheField() {
        Map<String, String> cases = Map.of(
                "{\"bucket\":\"../../../../../..\",\"key\":\"tmp/x/creds.txt\"}", "bucket",
                "{\"bucket\":\"b\",\"key\":\"../etc/passwd.txt\"}", "key",
                "{\"bucket\":\"b\",\"key\":\"docs/a\\u0000.txt\"}", "key",
                "{\"bucket\":7,\"key\":\"docs/a.txt\"}", "bucket",
                "{\"bucket\":\"b\"}", "key",
                "{\"bucket\":\"b\",\"key\":\"docs/a.txt\",\"size\":-4}", "size",
                "{\"bucket\":\"b\",\"key\":\"docs/a.txt\",\"time\":\"yesterday\"}", "time");
        cases.forEach((body, field) -> {
            HttpResponse r = post("/indexObject", body, BOOTSTRAP);
            assertEquals(400, r.status(), body + " -> " + r.bodyText());
            assertTrue(r.bodyText().contains("\"field\":\"" + field + "\""), body + " -> " + r.bodyText());
            assertFalse(r.bodyText().contains("Exception"), r.bodyText());
        });
        assertEquals(400, post("/indexObject", "not json", BOOTSTRAP).status());
        assertEquals(
                400,
                post("/removeObject", "{\"bucket\":\"..\",\"key\":\"a.md\"}", BOOTSTRAP)
                        .status());
    }

    @Test
    void aMissingObjectIsA400NamingIt() {
        HttpResponse r = post("/indexObject", "{\"bucket\":\"b\",\"key\":\"docs/absent.jsonl\"}", BOOTSTRAP);
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("not in bucket"), r.bodyText());
        assertEquals(List.of(), namespaces.list());
    }

    @Test
    void bothRoutesAreRateLimitedWithA429AndRecoverWhenTheWindowPasses() throws Exception {
        RateLimiter limiter = new RateLimiter(
                List.of(new RateLimitPolicy(
                        "objects",
                        RateLimitPolicy.Algorithm.FIXED_WINDOW,
                        2,
                        Duration.ofMinutes(1),
                        false,
                        Set.of("POST /indexObject", "POST /removeObject"),
                        Set.of())),
                new InMemoryCounterStore(clock),
                clock);
        Gateway limited = Gateway.builder(namespaces)
                .security(new GatewaySecurity(
                        new Authenticator(true, BOOTSTRAP, new ApiKeys(state, clock), null), limiter, null, null))
                .objectIndexer(ObjectIndexer.builder(name -> bucket, namespaces).build())
                .clock(clock)
                .build();
        bucket.putIfAbsent("docs/a.jsonl", "{\"id\":\"a\",\"values\":[1,0]}\n".getBytes(StandardCharsets.UTF_8));
        String body = "{\"bucket\":\"handbook\",\"key\":\"docs/a.jsonl\"}";
        assertEquals(200, post(limited, "/indexObject", body, BOOTSTRAP, null).status());
        assertEquals(200, post(limited, "/removeObject", body, BOOTSTRAP, null).status());
        for (String path : List.of("/indexObject", "/removeObject")) {
            HttpResponse refused = post(limited, path, body, BOOTSTRAP, null);
            assertEquals(429, refused.status(), path + " -> " + refused.bodyText());
            assertTrue(refused.headers().containsKey("Retry-After"), path + ": " + refused.headers());
            assertTrue(refused.bodyText().contains("\"status\":429"), "a problem body: " + refused.bodyText());
        }
        assertEquals(1, namespaces.list().size(), "the refused calls wrote nothing new");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(200, post(limited, "/indexObject", body, BOOTSTRAP, null).status(), "a new window");
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstReplyAndAppliesOnce() throws Exception {
        bucket.putIfAbsent("docs/a.jsonl", "{\"id\":\"a\",\"values\":[1,0]}\n".getBytes(StandardCharsets.UTF_8));
        String body = "{\"bucket\":\"handbook\",\"key\":\"docs/a.jsonl\",\"etag\":\"e1\"}";
        HttpResponse first = post(gateway, "/indexObject", body, BOOTSTRAP, "index-a-1");
        assertEquals(200, first.status(), first.bodyText());
        long version = namespaces.list().get(0).version();
        HttpResponse again = post(gateway, "/indexObject", body, BOOTSTRAP, "index-a-1");
        assertEquals(200, again.status(), again.bodyText());
        assertEquals(
                "true",
                again.headers().get("Idempotent-Replayed"),
                again.headers().toString());
        assertEquals(first.bodyText(), again.bodyText());
        assertEquals(
                422,
                post(gateway, "/indexObject", body.replace("e1", "e2"), BOOTSTRAP, "index-a-1")
                        .status(),
                "the same key with another body");

        bucket.delete("docs/a.jsonl"); // a removal applies once the object is gone from its bucket
        String removal = "{\"bucket\":\"handbook\",\"key\":\"docs/a.jsonl\"}";
        HttpResponse removed = post(gateway, "/removeObject", removal, BOOTSTRAP, "remove-a-1");
        assertEquals(200, removed.status(), removed.bodyText());
        long afterRemoval = namespaces.list().get(0).version();
        assertTrue(afterRemoval > version, "the removal applied: " + removed.bodyText());
        HttpResponse replayed = post(gateway, "/removeObject", removal, BOOTSTRAP, "remove-a-1");
        assertEquals(
                "true",
                replayed.headers().get("Idempotent-Replayed"),
                replayed.headers().toString());
        assertEquals(removed.bodyText(), replayed.bodyText());
        assertEquals(afterRemoval, namespaces.list().get(0).version(), "the replay applied nothing");
    }
}
