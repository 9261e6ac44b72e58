package dev.abi.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.ServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged function the way the GCF Java runtime does: Google's Functions Framework invoker loads
 * {@code target/deployment/*.jar}, with the environment of {@code deploy/env.yaml}, and serves it over HTTP. Requests
 * go through {@code QuarkusHttpFunction} and the Vert.x gateway route into the core.
 */
class CloudFunctionInvokerIT {

    private static final String ENTRY_POINT = "io.quarkus.gcp.functions.http.QuarkusHttpFunction";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void packagedFunctionAnswersThroughTheInvoker() throws Exception {
        Path invoker = Path.of(System.getProperty("gcf.invoker.jar"));
        assertTrue(Files.exists(invoker), "missing invoker jar " + invoker);
        Path functionJar;
        try (Stream<Path> files = Files.list(Path.of("target", "deployment"))) {
            functionJar = files.filter(f -> f.toString().endsWith(".jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("package first: no jar in target/deployment"));
        }
        String toolOptions = ServerProcess.javaToolOptions(Path.of("deploy", "env.yaml"));
        int port = ServerProcess.freePort();
        try (ServerProcess function = ServerProcess.start(
                List.of(
                        ServerProcess.javaLauncher(),
                        "-jar",
                        invoker.toString(),
                        "--classpath",
                        functionJar.toString(),
                        "--target",
                        ENTRY_POINT,
                        "--port",
                        Integer.toString(port)),
                Map.of(
                        "JAVA_TOOL_OPTIONS",
                        toolOptions,
                        "ABI_STORE_KIND",
                        "local",
                        "ABI_DATA_DIR",
                        dataDir.toString(),
                        "ABI_AUTH_BOOTSTRAP_KEY",
                        "it-bootstrap-key-0123456789"),
                dataDir.resolveSibling("gcf-invoker.log"),
                port,
                Duration.ofSeconds(120))) {
            assertTrue(
                    function.health().contains("panama"),
                    "deploy/env.yaml must enable the Vector API in the packaged function: " + function.health());
            assertEquals(
                    401,
                    function.send("GET", "/v1/namespaces", null).statusCode(),
                    "the cloud packaging has authentication on");
            function.withBearer("it-bootstrap-key-0123456789");

            HttpResponse<String> upsert = function.send("POST", "/v1/namespaces/gcf/vectors", """
                    {"vectors":[{"id":"a","values":[1,0,0]},{"id":"b","values":[0,1,0]},{"id":"c","values":[0.9,0.1,0]}]}""");
            assertEquals(200, upsert.statusCode(), upsert.body());
            assertEquals(3, JSON.readTree(upsert.body()).get("upserted").asInt(), upsert.body());

            HttpResponse<String> query =
                    function.send("POST", "/v1/namespaces/gcf/query", "{\"vector\":[1,0,0],\"topK\":2}");
            assertEquals(200, query.statusCode(), query.body());
            JsonNode matches = JSON.readTree(query.body()).get("matches");
            assertEquals(2, matches.size(), query.body());
            assertEquals("a", matches.get(0).get("id").asText());
            assertEquals("c", matches.get(1).get("id").asText());

            HttpResponse<String> bad =
                    function.send("POST", "/v1/namespaces/gcf/query", "{\"vector\":[1,0,0],\"topK\":0}");
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertTrue(bad.body().contains("topK"), bad.body());
        }
    }
}
