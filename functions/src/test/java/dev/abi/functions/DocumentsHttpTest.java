package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.SharedFixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Text in, text out on the local server: documents upserted over HTTP, embedded by the MiniLM model of
 * {@code ../shared/models} ({@code %test.abi.models-dir}, {@code %test.abi.embedding.model}), then found by a text
 * query; {@code /v1/embeddings} answers in OpenAI's shape.
 */
@QuarkusTest
class DocumentsHttpTest {

    private static final Path MODEL = SharedFixtures.path("models", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-Q8_0.gguf");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    private JsonNode post(String path, Object body, int status) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve(path))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void documentsAreFoundByTextQueries() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(MODEL), "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent");
        JsonNode up = post(
                "v1/namespaces/texts/documents",
                Map.of(
                        "documents",
                        List.of(
                                Map.of(
                                        "id",
                                        "tea",
                                        "text",
                                        "Green tea is steeped in water below boiling for two to three minutes."),
                                Map.of(
                                        "id",
                                        "tide",
                                        "text",
                                        "Tides are caused by the gravitational pull of the moon and the sun."),
                                Map.of(
                                        "id",
                                        "tax",
                                        "text",
                                        "File your income tax return before the deadline to avoid a penalty."))),
                200);
        assertEquals(3, up.get("documents").asInt());
        JsonNode q =
                post("v1/namespaces/texts/query", Map.of("text", "why does the sea rise and fall?", "topK", 1), 200);
        assertEquals("tide", q.get("matches").get(0).get("documentId").asText());
        assertTrue(q.get("matches").get(0).get("text").asText().startsWith("Tides"));
        JsonNode e = post("v1/embeddings", Map.of("model", "all-MiniLM-L6-v2-Q8_0", "input", "hello"), 200);
        assertEquals(384, e.get("data").get(0).get("embedding").size());
        JsonNode err = post("v1/embeddings", Map.of("model", "all-MiniLM-L6-v2-Q8_0", "input", ""), 400);
        assertEquals("input", err.get("error").get("param").asText());
    }
}
