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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/chat/completions} with {@code "stream":true} on the local server: the reply is a chunked
 * {@code text/event-stream} of {@code data:} lines read as they arrive, ending in {@code data: [DONE]}. Uses the
 * stories260K model from {@code ../shared/models} ({@code %test.abi.models-dir}).
 */
@QuarkusTest
class ChatStreamingTest {

    private static final Path MODEL = SharedFixtures.path("models", "stories260K", "stories260K-f32.gguf");

    @TestHTTPResource("/v1/chat/completions")
    URI chat;

    @Test
    void chatStreamsServerSentEvents() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(MODEL), "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent");
        String body = "{\"model\":\"stories260K-f32\",\"stream\":true,\"max_tokens\":24,\"temperature\":0,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(chat)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertTrue(r.headers().firstValue("content-length").isEmpty(), "chunked, not buffered");
        List<String> data = r.body()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .collect(Collectors.toCollection(ArrayList::new));
        assertEquals("[DONE]", data.get(data.size() - 1));
        ObjectMapper json = new ObjectMapper();
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(1, data.size() - 1)) {
            JsonNode chunk = json.readTree(d);
            text.append(chunk.get("choices").get(0).get("delta").path("content").asText(""));
        }
        assertTrue(data.size() > 5, "several chunks: " + data.size());
        assertTrue(!text.isEmpty(), "some text was streamed");
    }
}
