package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A namespace whose head is unreadable over HTTP: 500 on reads, 503 on writes, and the admin repair route. */
class MaintenanceApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore memory = new InMemoryObjectStore(clock);
    private Gateway gateway;
    private String wal2;

    private Gateway newGateway() {
        NamespaceStore store = new NamespaceStore(
                memory,
                new ObjectMetadataStore(memory, clock),
                clock,
                new NamespaceStore.Options(
                        Duration.ofDays(1), Duration.ofHours(1), 100_000, 8, Duration.ofSeconds(30)));
        return new Gateway(new NamespaceService(store, Runnable::run), Limits.defaults(), List.of());
    }

    private HttpResponse call(Gateway g, String method, String path, String body) {
        return g.handle(new HttpRequest(
                method, path, Map.of(), Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String upsert(int i) {
        return "{\"vectors\":[{\"id\":\"v" + i + "\",\"values\":[" + i + ",1]}]}";
    }

    @BeforeEach
    void setUp() throws Exception {
        gateway = newGateway();
        for (int i = 1; i <= 3; i++) {
            assertEquals(
                    200,
                    call(gateway, "POST", "/v1/namespaces/docs/vectors", upsert(i))
                            .status());
        }
        List<ObjectInfo> wals = memory.list("ns/docs/").stream()
                .filter(o -> o.key().contains("/wal/"))
                .toList();
        String log2 = memory.list("ns/docs/").stream()
                .map(ObjectInfo::key)
                .filter(k -> k.endsWith("/log/00000000000000000002.json"))
                .findFirst()
                .orElseThrow();
        wal2 = JSON.readTree(new String(memory.get(log2).orElseThrow().bytes(), StandardCharsets.UTF_8))
                .get("walKey")
                .asText();
        assertEquals(3, wals.size());
        StoredObject o = memory.get(wal2).orElseThrow();
        byte[] flipped = o.bytes().clone();
        flipped[flipped.length / 2] ^= 0x10;
        memory.putIfMatch(wal2, flipped, o.etag());
    }

    @Test
    void writesAnswer503NamingTheObjectUntilTheRepairRoute() throws Exception {
        Gateway other = newGateway(); // another instance: it has no cached state, so it reads WAL 2
        HttpResponse read = call(other, "GET", "/v1/namespaces/docs/vectors/v1", null);
        assertEquals(500, read.status(), read.bodyText());
        assertEquals(wal2, read.headers().get("X-Abi-Corrupt-Object"));

        HttpResponse write = call(gateway, "POST", "/v1/namespaces/docs/vectors", upsert(4));
        assertEquals(503, write.status(), write.bodyText());
        assertEquals(HttpResponse.PROBLEM_JSON, write.headers().get("Content-Type"));
        assertEquals(wal2, write.headers().get("X-Abi-Corrupt-Object"));
        JsonNode problem = JSON.readTree(write.bodyText());
        assertEquals(
                "https://abi.dev/problems/repair-needed", problem.get("type").asText());
        assertTrue(problem.get("detail").asText().contains(wal2), problem.toString());
        assertTrue(problem.get("detail").asText().contains("{\"quarantine\":2}"), problem.toString());

        HttpResponse bad = call(gateway, "POST", "/v1/admin/namespaces/docs/repair", "{\"quarantine\":\"2\"}");
        assertEquals(400, bad.status(), bad.bodyText());
        assertEquals(
                "quarantine",
                JSON.readTree(bad.bodyText()).get("errors").get(0).get("field").asText());
        HttpResponse readable = call(gateway, "POST", "/v1/admin/namespaces/docs/repair", "{\"quarantine\":3}");
        assertEquals(409, readable.status(), readable.bodyText());
        HttpResponse missing = call(gateway, "POST", "/v1/admin/namespaces/docs/repair", "{\"quarantine\":9}");
        assertEquals(404, missing.status(), missing.bodyText());

        HttpResponse repaired = call(gateway, "POST", "/v1/admin/namespaces/docs/repair", "{\"quarantine\":2}");
        assertEquals(200, repaired.status(), repaired.bodyText());
        JsonNode body = JSON.readTree(repaired.bodyText());
        assertEquals(2, body.get("version").asLong());
        assertTrue(body.get("headReadable").asBoolean());
        assertEquals(2, body.get("quarantined").size());
        assertTrue(body.get("quarantined").get(0).asText().startsWith("ns/docs/"), body.toString());
        assertTrue(body.get("quarantined").get(0).asText().contains("/quarantine/"), body.toString());

        assertEquals(
                200, call(other, "GET", "/v1/namespaces/docs/vectors/v3", null).status());
        assertEquals(
                404, call(other, "GET", "/v1/namespaces/docs/vectors/v2", null).status());
        HttpResponse again = call(gateway, "POST", "/v1/namespaces/docs/vectors", upsert(4));
        assertEquals(200, again.status(), again.bodyText());
        assertEquals(
                5, JSON.readTree(again.bodyText()).get("version").asLong(), "4 is the repair's restore to the head");
        assertFalse(call(other, "GET", "/v1/namespaces/docs/vectors/v4", null)
                .bodyText()
                .contains("problem"));
    }

    @Test
    void anUpsertOverDataWhoseConfigWasLostAnswers409() throws Exception {
        memory.delete("namespaces/docs.json");
        HttpResponse r = call(gateway, "POST", "/v1/namespaces/docs/vectors", upsert(4));
        assertEquals(409, r.status(), r.bodyText());
        JsonNode problem = JSON.readTree(r.bodyText());
        assertEquals(
                "https://abi.dev/problems/leftover-data", problem.get("type").asText());
        assertTrue(problem.get("detail").asText().contains("'docs'"), problem.toString());
        assertTrue(memory.get("namespaces/docs.json").isEmpty());
    }
}
