package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.inference.ModelRegistry;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectKeys;
import dev.abi.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings that held when tried from outside, kept held: traversal through namespace names, vector ids and snapshot
 * names never reaches a path outside the namespace's own objects, traversal through model names never reaches a file
 * outside the models folder, and none of them answers 500.
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

    /**
     * A real model sits outside the models folder (beside it), so that a name resolved as a path would load it and
     * answer 200: every hostile {@code model} must instead answer a 4xx in OpenAI's error shape, on each route that
     * takes a model name.
     */
    @Test
    void hostileModelNamesNeverReachAFileOutsideTheModelsFolder(@TempDir Path dir) throws Exception {
        Path model = SharedFixtures.path("models", "stories260K", "stories260K-f32.gguf");
        Assumptions.assumeTrue(
                Files.exists(model), "skipped: " + model.toAbsolutePath().normalize() + " is absent");
        Path folder = Files.createDirectories(dir.resolve("models"));
        Files.copy(model, folder.resolve("stories.gguf"));
        Path outside = Files.copy(model, dir.resolve("outside.gguf"));
        String absolute = outside.toAbsolutePath().toString();
        String absoluteStem = absolute.substring(0, absolute.length() - ".gguf".length());
        List<String> hostile = List.of(
                "../outside",
                "../outside.gguf",
                "../../x",
                "..%2foutside",
                "..%2f..%2fx",
                "..\\outside",
                "models/../outside",
                absolute,
                absoluteStem,
                "/etc/passwd",
                "stories\u0000",
                "stories\u0000../outside",
                "..",
                ".",
                "");
        ObjectMapper json = new ObjectMapper();
        try (ModelRegistry models = ModelRegistry.scan(folder)) {
            Gateway withModels = Gateway.builder(new NamespaceService(new NamespaceStore(new InMemoryObjectStore())))
                    .models(models)
                    .build();
            List<String> calls = new ArrayList<>();
            for (String name : hostile) {
                String quoted = json.writeValueAsString(name);
                calls.add("POST /v1/chat/completions {\"model\":" + quoted
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}");
                calls.add("POST /v1/completions {\"model\":" + quoted + ",\"prompt\":\"hi\",\"max_tokens\":1}");
                calls.add("POST /v1/embeddings {\"model\":" + quoted + ",\"input\":\"hi\"}");
            }
            for (String id : List.of(
                    "..",
                    "..%2Foutside",
                    "..%2F..%2Fx",
                    "%2E%2E%2Foutside",
                    "%2F" + absoluteStem.substring(1).replace("/", "%2F"),
                    "stories%00",
                    "%00",
                    "..%5Coutside")) {
                calls.add("GET /v1/models/" + id);
            }
            for (String call : calls) {
                String[] parts = call.split(" ", 3);
                HttpResponse r = withModels.handle(new HttpRequest(
                        parts[0],
                        parts[1],
                        Map.of(),
                        Map.of(),
                        parts.length > 2 ? parts[2].getBytes(StandardCharsets.UTF_8) : null));
                assertTrue(r.status() == 400 || r.status() == 404, call + " -> " + r.status() + " " + r.bodyText());
                JsonNode body = json.readTree(r.bufferedBody());
                assertTrue(
                        body.path("error").hasNonNull("message") || body.hasNonNull("title"),
                        call + ": no error body: " + r.bodyText());
                assertFalse(
                        r.bodyText().contains(folder.toString()), call + " shows the models folder: " + r.bodyText());
            }
            // the folder's own model is served by name: the refusals above are about the names alone
            HttpResponse ok = withModels.handle(new HttpRequest(
                    "POST",
                    "/v1/completions",
                    Map.of(),
                    Map.of(),
                    "{\"model\":\"stories\",\"prompt\":\"hi\",\"max_tokens\":1}".getBytes(StandardCharsets.UTF_8)));
            assertEquals(200, ok.status(), ok.bodyText());
            assertEquals(List.of("stories"), models.names());
        }
    }
}
