package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged local server ({@code target/quarkus-app/quarkus-run.jar}) as a separate process, the way the
 * README does, fills it, checks every answer against exact distances computed here, restarts it, and checks again.
 */
class LocalServerProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DIM = 64;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
        int port = freePort();
        Process server = start(port);
        try {
            for (int start = 0; start < vectors.length; start += 250) {
                StringBuilder body = new StringBuilder("{\"vectors\":[");
                for (int i = start; i < start + 250; i++) {
                    body.append(i == start ? "" : ",").append("{\"id\":\"v").append(i).append("\",\"values\":")
                            .append(JSON.writeValueAsString(vectors[i])).append(",\"attributes\":{\"i\":").append(i)
                            .append("}}");
                }
                JsonNode r = send(port, "POST", "/v1/namespaces/process-test/vectors", body.append("]}").toString(), 200);
                assertEquals(250, r.get("upserted").asInt());
            }
            checkQueries(port, vectors, queries);
        } finally {
            stop(server);
        }
        Process restarted = start(port);
        try {
            JsonNode info = send(port, "GET", "/v1/namespaces/process-test", null, 200);
            assertEquals(2000, info.get("count").asInt());
            assertEquals(8, info.get("version").asInt());
            checkQueries(port, vectors, queries);
        } finally {
            stop(restarted);
        }
    }

    private void checkQueries(int port, float[][] vectors, float[][] queries) throws Exception {
        for (float[] q : queries) {
            String body = "{\"vector\":" + JSON.writeValueAsString(q) + ",\"topK\":10}";
            JsonNode matches = send(port, "POST", "/v1/namespaces/process-test/query", body, 200).get("matches");
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

    private JsonNode send(int port, String method, String path, String body, int expectedStatus) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private Process start(int port) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the app first: " + jar.toAbsolutePath());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "-Dquarkus.http.port=" + port, "-Dabi.data-dir=" + dataDir, "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + "-server.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited with " + p.exitValue());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    assertTrue(r.body().contains("panama"), "the launcher flag must enable the Vector API: " + r.body());
                    return p;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("server did not answer /health within 60 s");
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
