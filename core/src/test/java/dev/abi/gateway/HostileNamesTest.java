package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Findings that held when tried from outside, kept held: traversal through namespace names, vector ids and snapshot
 * names never reaches a path outside the namespace's own objects, and never answers 500.
 */
class HostileNamesTest {

    private static final List<String> HOSTILE = List.of(
            "..",
            ".",
            "%2e%2e",
            "..%2f..%2fetc",
            "a%2f..%2f..%2fb",
            "%00",
            "a%5c..%5cb",
            "%2fetc%2fpasswd",
            "~root",
            "a b");

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final Gateway gateway =
            Gateway.builder(new NamespaceService(new NamespaceStore(objects))).build();

    private HttpResponse send(String method, String path, String body) {
        return gateway.handle(new HttpRequest(
                method, path, Map.of(), Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void hostileNamespaceNamesAreRefusedOnEveryRoute() {
        for (String ns : HOSTILE) {
            for (String[] call : new String[][] {
                {"PUT", "", "{\"dimension\":2}"},
                {"POST", "/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}"},
                {"POST", "/query", "{\"vector\":[1,0]}"},
                {"GET", "/versions", null},
                {"POST", "/snapshots", "{\"name\":\"s\"}"},
                {"DELETE", "", null}
            }) {
                HttpResponse r = send(call[0], "/v1/namespaces/" + ns + call[1], call[2]);
                assertTrue(
                        r.status() >= 400 && r.status() < 500,
                        call[0] + " " + ns + call[1] + " -> " + r.status() + " " + r.bodyText());
            }
        }
        assertEquals(List.of(), objects.list(""), "nothing was written");
    }

    @Test
    void hostileIdsAndSnapshotNamesStayInsideTheNamespacesObjects() {
        assertEquals(
                200,
                send(
                                "POST",
                                "/v1/namespaces/safe/vectors",
                                "{\"vectors\":[{\"id\":\"../../../etc/passwd\",\"values\":[1,0]},{\"id\":\"..\\\\..\\\\x\",\"values\":[0,1]},"
                                        + "{\"id\":\"/abs\",\"values\":[1,1]}]}")
                        .status());
        assertEquals(
                200,
                send("GET", "/v1/namespaces/safe/vectors/..%2F..%2F..%2Fetc%2Fpasswd", null)
                        .status(),
                "an id is data, found by its exact value");
        for (String name : List.of("../../x", "a/b", "..\\\\x", "", "x".repeat(129))) {
            HttpResponse r = send("POST", "/v1/namespaces/safe/snapshots", "{\"name\":\"" + name + "\"}");
            assertEquals(400, r.status(), name + " -> " + r.bodyText());
        }
        for (String name : List.of("..", ".")) {
            HttpResponse r = send("POST", "/v1/namespaces/safe/snapshots", "{\"name\":\"" + name + "\"}");
            assertFalse(r.status() >= 500, name + " -> " + r.bodyText());
        }
        for (ObjectInfo o : objects.list("")) {
            ObjectKeys.requireValid(o.key());
            assertTrue(
                    o.key().startsWith("namespaces/safe.json")
                            || o.key().startsWith("ns/safe/")
                            || o.key().startsWith("idempotency/"),
                    "written outside the namespace: " + o.key());
        }
    }
}
