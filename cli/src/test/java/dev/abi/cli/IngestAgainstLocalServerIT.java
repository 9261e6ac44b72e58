package dev.abi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.testing.ServerProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code abi ingest}, run as its packaged jar ({@code target/abi.jar}), against the packaged local server
 * ({@code functions/target/quarkus-app/quarkus-run.jar}) with auth on and a token-bucket rate limit on upserts that
 * refuses part of the batches with 429: every vector arrives exactly once (count, one commit per batch, values read
 * back), and a second run that forgets its state is answered from the server's idempotency records without a new
 * commit. Server and CLI logs are kept in {@code target/cli-it/}.
 */
class IngestAgainstLocalServerIT {

    private static final String BOOT = "cli-it-bootstrap-key-0123456789abcdef";
    private static final int VECTORS = 3000;
    private static final int BATCH = 100;
    private static final int DIM = 8;
    /** Guards against a hang only: nothing is asserted about how long anything takes. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @Test
    void everyVectorArrivesOnceWhileTheServerAnswersSomeBatches429() throws Exception {
        Path input = input();
        Path logs = Files.createDirectories(Path.of("target", "cli-it"));
        try (ServerProcess server = start(logs)) {
            server.withBearer(BOOT);
            String url = "http://127.0.0.1:" + port;

            Run first = abi(
                    logs.resolve("ingest-1.log"),
                    "ingest",
                    input.toString(),
                    "--ns",
                    "itns",
                    "--url",
                    url,
                    "--batch-size",
                    Integer.toString(BATCH));
            assertEquals(0, first.status, first.output);
            assertTrue(first.output.contains("3,000 records sent in 30 batches; 3,000 applied"), first.output);
            Matcher limited =
                    Pattern.compile("retries after 429/503 \\(429 x(\\d+)\\)").matcher(first.output);
            assertTrue(
                    limited.find() && Integer.parseInt(limited.group(1)) > 0,
                    "the rate limit refused no batch with 429, or something else was retried:\n" + first.output);

            JsonNode ns = json(server.send("GET", "/v1/namespaces/itns", null));
            assertEquals(VECTORS, ns.get("count").asInt(), ns.toString());
            // one commit per batch: no batch refused with 429 and sent again was applied twice
            assertEquals(VECTORS / BATCH, ns.get("version").asLong(), ns.toString());
            for (int i : new int[] {0, 1, 1499, 2998, 2999}) {
                JsonNode v = json(server.send("GET", "/v1/namespaces/itns/vectors/v" + i, null));
                assertArrayEquals(values(i), floats(v.get("values")), "v" + i);
                assertEquals(i, v.get("attributes").get("i").asInt(), v.toString());
            }

            // forgetting the state sends every batch again with its same key: the server replays, nothing is applied
            Run again = abi(
                    logs.resolve("ingest-2.log"),
                    "ingest",
                    input.toString(),
                    "--ns",
                    "itns",
                    "--url",
                    url,
                    "--batch-size",
                    Integer.toString(BATCH),
                    "--restart");
            assertEquals(0, again.status, again.output);
            assertTrue(again.output.contains("(30 batches replayed by the server)"), again.output);
            JsonNode after = json(server.send("GET", "/v1/namespaces/itns", null));
            assertEquals(VECTORS, after.get("count").asInt(), after.toString());
            assertEquals(VECTORS / BATCH, after.get("version").asLong(), after.toString());

            // export: the list call of API v1.1 gives them back, or the CLI says plainly that the server lacks it
            Path exported = tmp.resolve("export.jsonl");
            Run export = abi(
                    logs.resolve("export.log"), "export", "--ns", "itns", "--url", url, "--out", exported.toString());
            if (export.status == 0) {
                Set<String> ids = new HashSet<>();
                for (String line : Files.readAllLines(exported)) {
                    ids.add(Json.MAPPER.readTree(line).get("id").asText());
                }
                assertEquals(VECTORS, ids.size());
            } else {
                assertEquals(1, export.status, export.output);
                assertTrue(export.output.contains("does not serve GET /v1/namespaces/{ns}/vectors"), export.output);
            }
        }
    }

    private int port;

    private ServerProcess start(Path logs) throws Exception {
        Path jar = Path.of("..", "functions", "target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the local server first: " + jar.toAbsolutePath());
        port = ServerProcess.freePort();
        return ServerProcess.start(
                List.of(
                        ServerProcess.javaLauncher(),
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-XX:+UseSerialGC",
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.http.port=" + port,
                        "-Dabi.data-dir=" + tmp.resolve("data"),
                        "-Dabi.auth.enabled=true",
                        "-Dabi.auth.bootstrap-key=" + BOOT,
                        // a bucket of 4 upserts refilled at 4 a second: the 30 batches outrun it
                        "-Dabi.rate-limits.ingest.algorithm=token-bucket",
                        "-Dabi.rate-limits.ingest.limit=4",
                        "-Dabi.rate-limits.ingest.window=1S",
                        "-Dabi.rate-limits.ingest.routes=POST /v1/namespaces/{ns}/vectors",
                        "-jar",
                        jar.toString()),
                Map.of(),
                logs.resolve("server.log"),
                port,
                HANG_GUARD);
    }

    /** The exit status and the merged output of one {@code java -jar target/abi.jar} run. */
    private record Run(int status, String output) {}

    private Run abi(Path log, String... args) throws IOException, InterruptedException {
        Path jar = Path.of("target", "abi.jar");
        assertTrue(Files.exists(jar), "package the CLI first: " + jar.toAbsolutePath());
        List<String> command = new ArrayList<>(
                List.of(ServerProcess.javaLauncher(), "--add-modules", "jdk.incubator.vector", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("ABI_API_KEY", BOOT);
        Process p = b.start();
        if (!p.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("abi " + String.join(" ", args) + " hung; log: " + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(!output.contains(BOOT), "the API key was printed:\n" + output);
        return new Run(p.exitValue(), output);
    }

    private Path input() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < VECTORS; i++) {
            lines.add(Json.MAPPER
                    .createObjectNode()
                    .put("id", "v" + i)
                    .<ObjectNode>set("values", Json.MAPPER.valueToTree(values(i)))
                    .set("attributes", Json.MAPPER.createObjectNode().put("i", i))
                    .toString());
        }
        return Files.write(tmp.resolve("vectors.jsonl"), lines);
    }

    /** Vector {@code i}'s values: exact in float32. */
    private static float[] values(int i) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = ((i * 31 + d * 7) % 97) / 8f + 1f;
        }
        return v;
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertEquals(200, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body());
    }
}
