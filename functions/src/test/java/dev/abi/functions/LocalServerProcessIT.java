package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.ServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged local server ({@code target/quarkus-app/quarkus-run.jar}) as a separate process through the
 * README's launcher ({@code scripts/serve}), fills it, checks every answer against exact distances computed here,
 * restarts it, and checks again.
 */
class LocalServerProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DIM = 64;

    @TempDir
    Path dataDir;

    @Test
    void survivesRestartWithExactAnswers() throws Exception {
        Random random = new Random(2026);
        float[][] vectors = new float[2000][DIM];
        for (float[] v : vectors) {
            for (int d = 0; d < DIM; d++) {
                v[d] = random.nextFloat() * 2 - 1;
            }
        }
        float[][] queries = new float[50][DIM];
        for (float[] q : queries) {
            for (int d = 0; d < DIM; d++) {
                q[d] = random.nextFloat() * 2 - 1;
            }
        }
        int port = ServerProcess.freePort();
        try (ServerProcess server = start(port, "first")) {
            for (int start = 0; start < vectors.length; start += 250) {
                StringBuilder body = new StringBuilder("{\"vectors\":[");
                for (int i = start; i < start + 250; i++) {
                    body.append(i == start ? "" : ",")
                            .append("{\"id\":\"v")
                            .append(i)
                            .append("\",\"values\":")
                            .append(JSON.writeValueAsString(vectors[i]))
                            .append(",\"attributes\":{\"i\":")
                            .append(i)
                            .append("}}");
                }
                JsonNode r = send(
                        server,
                        "POST",
                        "/v1/namespaces/process-test/vectors",
                        body.append("]}").toString(),
                        200);
                assertEquals(250, r.get("upserted").asInt());
            }
            checkQueries(server, vectors, queries);
        }
        try (ServerProcess restarted = start(port, "restarted")) {
            JsonNode info = send(restarted, "GET", "/v1/namespaces/process-test", null, 200);
            assertEquals(2000, info.get("count").asInt());
            assertEquals(8, info.get("version").asInt());
            checkQueries(restarted, vectors, queries);
        }
    }

    private static void checkQueries(ServerProcess server, float[][] vectors, float[][] queries) throws Exception {
        for (float[] q : queries) {
            String body = "{\"vector\":" + JSON.writeValueAsString(q) + ",\"topK\":10}";
            JsonNode matches = send(server, "POST", "/v1/namespaces/process-test/query", body, 200)
                    .get("matches");
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < vectors.length; i++) {
                order.add(i);
            }
            double[] exact = new double[vectors.length];
            for (int i = 0; i < vectors.length; i++) {
                exact[i] = cosineDistance(q, vectors[i]);
            }
            order.sort(Comparator.comparingDouble((Integer i) -> exact[i]).thenComparing(i -> "v" + i));
            assertEquals(10, matches.size());
            for (int rank = 0; rank < 10; rank++) {
                int expected = order.get(rank);
                assertEquals("v" + expected, matches.get(rank).get("id").asText(), "rank " + rank);
                assertEquals(exact[expected], matches.get(rank).get("distance").asDouble(), 1e-5);
            }
        }
    }

    private static double cosineDistance(float[] a, float[] b) {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return 1 - dot / (Math.sqrt(aa) * Math.sqrt(bb));
    }

    private static JsonNode send(ServerProcess server, String method, String path, String body, int expectedStatus)
            throws Exception {
        HttpResponse<String> r = server.send(method, path, body);
        assertEquals(expectedStatus, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Starts the server through the README's launcher, so the test fails if the launcher loses the vector flag. */
    private ServerProcess start(int port, String name) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the app first: " + jar.toAbsolutePath());
        Path serve = Path.of("..", "scripts", "serve");
        ServerProcess server = ServerProcess.start(
                List.of("bash", serve.toString(), "-Dquarkus.http.port=" + port, "-Dabi.data-dir=" + dataDir),
                Map.of("JAVA_HOME", System.getProperty("java.home")),
                dataDir.resolveSibling("server-" + name + ".log"),
                port,
                Duration.ofSeconds(120));
        assertTrue(server.health().contains("panama"), "scripts/serve must enable the Vector API: " + server.health());
        return server;
    }
}
