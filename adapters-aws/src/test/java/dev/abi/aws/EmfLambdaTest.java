package dev.abi.aws;

import static dev.abi.aws.MockLambda.fixture;
import static dev.abi.aws.MockLambda.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Lambda invocation prints its metrics as CloudWatch Embedded Metric Format lines before it answers. */
@QuarkusTest
class EmfLambdaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anUpsertThroughApiGatewayPrintsTheRequestAndCommitMetrics() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        JsonNode reply;
        try {
            reply = invoke(fixture("apigw-http-v2/upsert.json"));
        } finally {
            System.setOut(original);
        }
        assertEquals(200, reply.path("statusCode").asInt(), reply.toString());
        List<JsonNode> emf = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{\"_aws\"")) {
                emf.add(JSON.readTree(line));
            }
        }
        JsonNode request = emf.stream()
                .filter(n -> n.has("abi.http.requests"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no abi.http.requests line in " + emf));
        JsonNode directive = request.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("ABI", directive.path("Namespace").asText());
        assertEquals("[[\"route\",\"status\"],[]]", directive.path("Dimensions").toString());
        assertEquals(
                "Milliseconds", directive.path("Metrics").get(0).path("Unit").asText());
        assertEquals("POST /v1/namespaces/{ns}/vectors", request.path("route").asText());
        assertEquals("200", request.path("status").asText());
        assertEquals(1, request.path("abi.http.requests").size());
        assertTrue(request.path("abi.http.requests").get(0).asDouble() >= 0);
        JsonNode commits = emf.stream()
                .filter(n -> n.has("abi.commits"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no abi.commits line in " + emf));
        assertEquals("upsert", commits.path("op").asText());
        assertEquals(1.0, commits.path("abi.commits").get(0).asDouble());
        assertTrue(request.hasNonNull("awsRequestId"), request.toString());
        JsonNode puts = emf.stream()
                .filter(n -> n.has("abi.store.calls")
                        && "putIfAbsent".equals(n.path("op").asText())
                        && "ok".equals(n.path("outcome").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no abi.store.calls line for putIfAbsent in " + emf));
        assertEquals(
                "[[\"op\",\"outcome\"],[]]",
                puts.path("_aws")
                        .path("CloudWatchMetrics")
                        .get(0)
                        .path("Dimensions")
                        .toString());
        assertTrue(puts.path("abi.store.calls").size() >= 2, "the WAL and the log entry: " + puts);
    }

    @Test
    void countsByAnAmountAreOneValue() {
        List<String> lines = new ArrayList<>();
        EmfMetrics metrics = new EmfMetrics(lines::add);
        metrics.count("abi.inference.tokens", 40, "phase", "generation");
        metrics.count("abi.inference.tokens", 2, "phase", "generation");
        metrics.flush(0, null);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"abi.inference.tokens\":[42.0]"), lines.get(0));
    }
}
