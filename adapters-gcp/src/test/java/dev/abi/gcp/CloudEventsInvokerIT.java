package dev.abi.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.ServerProcess;
import dev.abi.testing.SharedFixtures;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on Google Cloud's code paths, through the real Functions Framework invoker: the packaged jar runs twice,
 * as the CloudEvents function ({@code GcpStorageEventsEntry}) that Eventarc calls and
 * as the HTTP function. Eventarc's deliveries are replayed over HTTP in binary and in structured mode.
 *
 * <p>Documented gap: no GCS emulator honouring preconditions runs here (docs/storage.md), so the bucket is the local
 * disk store ({@code abi.store.kind=local}, bucket folder under the data directory); the GCS client path is not run.
 */
class CloudEventsInvokerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "it-bootstrap-key-0123456789";
    private static final Path MODEL_DIR = SharedFixtures.path("models", "all-MiniLM-L6-v2");
    private static final String SOURDOUGH = "handbook/Sourdough starter+feeding é.md";

    @TempDir
    Path dataDir;

    private static Path jar() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target", "deployment"))) {
            return files.filter(f -> f.toString().endsWith(".jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("package first: no jar in target/deployment"));
        }
    }

    private ServerProcess invoker(String target, Path log, boolean http) throws Exception {
        Path invoker = Path.of(System.getProperty("gcf.invoker.jar"));
        int port = ServerProcess.freePort();
        List<String> command = List.of(
                ServerProcess.javaLauncher(),
                "-jar",
                invoker.toString(),
                "--classpath",
                jar().toString(),
                "--target",
                target,
                "--port",
                Integer.toString(port));
        Map<String, String> env = Map.of(
                "JAVA_TOOL_OPTIONS",
                ServerProcess.javaToolOptions(Path.of("deploy", "env.yaml")),
                "ABI_STORE_KIND",
                "local",
                "ABI_DATA_DIR",
                dataDir.toString(),
                "ABI_AUTH_BOOTSTRAP_KEY",
                TOKEN,
                "ABI_MODELS_DIR",
                MODEL_DIR.toAbsolutePath().normalize().toString(),
                "ABI_EMBEDDING_MODEL",
                "all-MiniLM-L6-v2-Q8_0");
        return http
                ? ServerProcess.start(command, env, log, port, Duration.ofSeconds(120))
                        .withBearer(TOKEN)
                : ServerProcess.startListening(command, env, log, port, Duration.ofSeconds(120));
    }

    private static HttpResponse<String> binary(ServerProcess fn, String fixture) throws Exception {
        JsonNode f = JSON.readTree(GcpFixtures.text(fixture));
        Map<String, String> headers = new HashMap<>();
        f.get("headers")
                .properties()
                .forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        return fn.post("/", headers, JSON.writeValueAsBytes(f.get("body")));
    }

    private static HttpResponse<String> structured(ServerProcess fn, String fixture) throws Exception {
        return fn.post(
                "/",
                Map.of("Content-Type", "application/cloudevents+json"),
                GcpFixtures.text(fixture).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode ask(ServerProcess api, String question) throws Exception {
        HttpResponse<String> r = api.send(
                "POST",
                "/v1/namespaces/handbook/query",
                JSON.createObjectNode()
                        .put("text", question)
                        .put("topK", 3)
                        .put("includeAttributes", true)
                        .toString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("matches");
    }

    @Test
    void eventarcDeliveriesIndexAndRemoveAFileInBothModes() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(MODEL_DIR.resolve("all-MiniLM-L6-v2-Q8_0.gguf")),
                "skipped: " + MODEL_DIR.toAbsolutePath().normalize() + " has no all-MiniLM-L6-v2-Q8_0.gguf");
        Path bucket = dataDir.resolve("buckets").resolve("handbook-docs");
        Path file = bucket.resolve(SOURDOUGH);
        Files.createDirectories(file.getParent());
        Files.copy(Path.of("..", "samples", "corpus", "handbook", "sourdough.md"), file);
        Files.copy(
                Path.of("..", "samples", "corpus", "handbook", "marathon.md"), bucket.resolve("handbook/marathon.md"));

        try (ServerProcess events =
                        invoker("dev.abi.gcp.GcpStorageEventsEntry", dataDir.resolveSibling("gcf-events.log"), false);
                ServerProcess api = invoker(
                        "io.quarkus.gcp.functions.http.QuarkusHttpFunction",
                        dataDir.resolveSibling("gcf-http.log"),
                        true)) {
            HttpResponse<String> created = binary(events, "storage/e2e-finalized-binary.json");
            assertEquals(200, created.statusCode(), created.body());
            assertEquals(
                    SOURDOUGH,
                    ask(api, "how often should I feed my sourdough starter")
                            .get(0)
                            .path("attributes")
                            .path("source")
                            .asText());
            int chunks = JSON.readTree(
                            api.send("GET", "/v1/namespaces/handbook", null).body())
                    .path("count")
                    .asInt();

            assertEquals(
                    200, binary(events, "storage/e2e-finalized-binary.json").statusCode());
            assertEquals(
                    chunks,
                    JSON.readTree(api.send("GET", "/v1/namespaces/handbook", null)
                                    .body())
                            .path("count")
                            .asInt(),
                    "a redelivery indexes nothing more");

            assertEquals(
                    200, structured(events, "pubsub/marathon-finalize.json").statusCode());
            assertEquals(
                    "handbook/marathon.md",
                    ask(api, "how many weeks of training before race day")
                            .get(0)
                            .path("attributes")
                            .path("source")
                            .asText());

            // the GCP sample: a structured-mode finalized event for handbook/sourdough.md
            Path sample = Path.of("..", "samples", "gcp", "storage-finalized");
            JsonNode expected = JSON.readTree(sample.resolve("expected.json").toFile());
            Files.copy(
                    Path.of("..").resolve(expected.at("/object/file").asText()),
                    bucket.resolve(expected.at("/object/key").asText()));
            assertEquals(
                    200,
                    events.post(
                                    "/",
                                    Map.of("Content-Type", "application/cloudevents+json"),
                                    Files.readAllBytes(sample.resolve("event.json")))
                            .statusCode());
            JsonNode sampleHits = ask(api, expected.at("/query/text").asText());
            assertTrue(
                    StreamSupport.stream(sampleHits.spliterator(), false)
                            .anyMatch(m -> m.path("attributes")
                                    .path("source")
                                    .asText()
                                    .equals(expected.at("/query/topSource").asText())),
                    sampleHits.toString());

            Files.delete(file);
            assertEquals(
                    200,
                    structured(events, "storage/e2e-deleted-structured.json").statusCode());
            for (JsonNode m : ask(api, "how often should I feed my sourdough starter")) {
                assertNotEquals(SOURDOUGH, m.path("attributes").path("source").asText());
            }
            HttpResponse<String> foreign = structured(events, "pubsub/not-a-storage-notification.json");
            assertEquals(200, foreign.statusCode(), "refused and acknowledged, not retried: " + foreign.body());
            assertTrue(
                    Files.readString(dataDir.resolveSibling("gcf-events.log")).contains("data.message.attributes"),
                    "the refusal names the field in the log");
        }
    }
}
