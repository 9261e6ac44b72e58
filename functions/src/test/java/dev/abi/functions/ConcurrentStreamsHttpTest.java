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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Held up when tried from outside, kept held: 64 streamed chats opened at once on the local server each end with
 * {@code data: [DONE]}, and the server still answers {@code /health} afterwards. The requests are released together by
 * a latch once every client thread is ready; nothing here depends on how long they take (the waits are hang guards
 * of minutes). Uses the stories260K model from {@code ../shared/models}.
 */
@QuarkusTest
class ConcurrentStreamsHttpTest {

    private static final Path MODEL = SharedFixtures.path("models", "stories260K", "stories260K-f32.gguf");
    private static final int STREAMS = 64;

    @TestHTTPResource("/v1/chat/completions")
    URI chat;

    @TestHTTPResource("/health")
    URI health;

    /** What one client saw: the status and the {@code data:} payloads in order. */
    private record Seen(int status, List<String> data) {}

    @Test
    void sixtyFourStreamsAtOnceEachEndWithDoneAndHealthStillAnswers() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(MODEL), "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent");
        try (HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            streamAllAtOnce(client);
        }
    }

    private void streamAllAtOnce(HttpClient client) throws Exception {
        CountDownLatch ready = new CountDownLatch(STREAMS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Seen>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(STREAMS);
        try {
            for (int i = 0; i < STREAMS; i++) {
                String body = "{\"model\":\"stories260K-f32\",\"stream\":true,\"max_tokens\":12,\"temperature\":0.8,"
                        + "\"seed\":" + i + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";
                HttpRequest request = HttpRequest.newBuilder(chat)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    HttpResponse<java.util.stream.Stream<String>> r =
                            client.send(request, HttpResponse.BodyHandlers.ofLines());
                    try (var lines = r.body()) {
                        return new Seen(
                                r.statusCode(),
                                lines.filter(l -> l.startsWith("data: "))
                                        .map(l -> l.substring(6))
                                        .collect(Collectors.toList()));
                    }
                }));
            }
            assertTrue(ready.await(5, TimeUnit.MINUTES), "hang guard: the client threads never all started");
            go.countDown();
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < STREAMS; i++) {
                Seen seen = results.get(i).get(5, TimeUnit.MINUTES); // a hang guard, not a speed claim
                assertEquals(200, seen.status(), "stream " + i);
                List<String> data = seen.data();
                assertTrue(data.size() >= 3, "stream " + i + ": role chunk, text, [DONE]: " + data);
                assertEquals("[DONE]", data.get(data.size() - 1), "stream " + i + " ends with [DONE]");
                for (String d : data.subList(0, data.size() - 1)) {
                    JsonNode chunk = json.readTree(d);
                    assertEquals("chat.completion.chunk", chunk.path("object").asText(), "stream " + i + ": " + d);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        HttpResponse<String> h =
                client.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, h.statusCode(), h.body());
        assertTrue(h.body().contains("\"status\""), h.body());
    }
}
