package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.events.ObjectIndexer;
import dev.abi.gateway.auth.ApiKeys;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectMetadataStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /indexObject} and {@code /removeObject} go through the gateway: authentication, roles, validation. */
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
        Map<String, String> headers = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
        return gateway.handle(new HttpRequest("POST", path, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8)));
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
}
