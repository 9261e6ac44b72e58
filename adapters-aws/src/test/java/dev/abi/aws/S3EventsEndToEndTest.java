package dev.abi.aws;

import static dev.abi.aws.MockLambda.body;
import static dev.abi.aws.MockLambda.fixture;
import static dev.abi.aws.MockLambda.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.testing.SharedFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End to end on AWS's code paths: a real Markdown page is put into an S3 bucket (S3Proxy) under a key with a space, a
 * plus and a non-ASCII letter; the documented S3 notification for it goes through the mock Lambda event server;
 * a text query through the HTTP API finds it. The same notification again changes nothing; the removal takes it out.
 * An SQS batch and an EventBridge event take the same path. State in S3, idempotency in DynamoDB Local.
 */
@QuarkusTest
@TestProfile(AwsEmulators.class)
class S3EventsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODEL = SharedFixtures.path("models", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-Q8_0.gguf");
    private static final String SOURDOUGH_KEY = "handbook/Sourdough starter+feeding é.md";

    @ConfigProperty(name = "abi.store.endpoint")
    String endpoint;

    private S3Client s3;

    @BeforeEach
    void needsTheModel() {
        Assumptions.assumeTrue(
                Files.exists(MODEL),
                "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent (../shared/models)");
        s3 = S3StoreFactory.newClient(URI.create(endpoint), Region.US_EAST_1);
    }

    private void put(String key, Path file) throws Exception {
        s3.putObject(
                b -> b.bucket(AwsEmulators.SOURCE_BUCKET).key(key), RequestBody.fromBytes(Files.readAllBytes(file)));
    }

    private static JsonNode http(String method, String path, String requestBody) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(fixture("apigw-http-v2/query.json"));
        event.put("rawPath", path);
        ((ObjectNode) event.get("requestContext").get("http"))
                .put("method", method)
                .put("path", path);
        if (requestBody == null) {
            event.remove("body");
        } else {
            event.put("body", requestBody);
        }
        JsonNode reply = invoke(event.toString());
        assertEquals(200, reply.path("statusCode").asInt(), reply.toString());
        return body(reply);
    }

    private static JsonNode ask(String question) throws Exception {
        return http(
                "POST",
                "/v1/namespaces/handbook/query",
                JSON.createObjectNode()
                        .put("text", question)
                        .put("topK", 3)
                        .put("includeAttributes", true)
                        .toString());
    }

    private static List<String> sources(JsonNode matches) {
        List<String> out = new ArrayList<>();
        matches.forEach(m -> out.add(m.path("attributes").path("source").asText()));
        return out;
    }

    private static int count() throws Exception {
        return http("GET", "/v1/namespaces/handbook", null).path("count").asInt();
    }

    @Test
    void aFileDroppedInTheBucketIsSearchableOnceAndGoneAfterItsRemoval() throws Exception {
        put(SOURDOUGH_KEY, Path.of("..", "samples", "corpus", "handbook", "sourdough.md"));
        JsonNode indexed = invoke(fixture("s3/e2e-put.json"));
        assertEquals("INDEXED", indexed.path("results").get(0).path("outcome").asText(), indexed.toString());

        JsonNode hits = ask("how often should I feed my sourdough starter").path("matches");
        assertTrue(sources(hits).contains(SOURDOUGH_KEY), hits.toString()); // the sample test may add the same page
        int chunks = count();
        assertTrue(chunks >= 1);

        JsonNode again = invoke(fixture("s3/e2e-put.json"));
        assertEquals(
                "ALREADY_INDEXED", again.path("results").get(0).path("outcome").asText(), again.toString());
        assertEquals(chunks, count(), "a redelivered event indexes nothing more");

        s3.deleteObject(b -> b.bucket(AwsEmulators.SOURCE_BUCKET).key(SOURDOUGH_KEY));
        JsonNode removed = invoke(fixture("s3/e2e-delete.json"));
        assertEquals("REMOVED", removed.path("results").get(0).path("outcome").asText(), removed.toString());
        assertEquals(
                indexed.path("results").get(0).path("vectors").asInt(),
                removed.path("results").get(0).path("removed").asInt(),
                "every chunk the page made is gone");
        for (JsonNode m : ask("how often should I feed my sourdough starter").path("matches")) {
            assertFalse(m.path("attributes").path("source").asText().equals(SOURDOUGH_KEY), m.toString());
        }
    }

    @Test
    void anSqsBatchAndAnEventBridgeEventTakeTheSamePath() throws Exception {
        Path handbook = Path.of("..", "samples", "corpus", "handbook");
        put("handbook/houseplants.md", handbook.resolve("houseplants.md"));
        put("handbook/dns-records.md", handbook.resolve("dns-records.md"));
        put("handbook/marathon.md", handbook.resolve("marathon.md"));

        JsonNode sqs = invoke(fixture("sqs/s3-batch.json"));
        assertEquals(0, sqs.path("batchItemFailures").size(), sqs.toString());
        JsonNode bridge = invoke(fixture("eventbridge/object-created.json"));
        assertEquals("INDEXED", bridge.path("results").get(0).path("outcome").asText(), bridge.toString());

        assertEquals(
                "handbook/dns-records.md",
                ask("which record points my domain at the web server")
                        .path("matches")
                        .get(0)
                        .path("attributes")
                        .path("source")
                        .asText());
        assertEquals(
                "handbook/houseplants.md",
                ask("my plant's leaves are yellow, am I overwatering?")
                        .path("matches")
                        .get(0)
                        .path("attributes")
                        .path("source")
                        .asText());
        assertEquals(
                "handbook/marathon.md",
                ask("how many weeks of training before race day")
                        .path("matches")
                        .get(0)
                        .path("attributes")
                        .path("source")
                        .asText());
    }

    @Test
    void tenRecordsInOneEventIncludingZeroByteObjectsAndAwkwardKeys() throws Exception {
        Path handbook = Path.of("..", "samples", "corpus", "handbook");
        try (var pages = Files.list(handbook)) {
            for (Path page : pages.toList()) {
                put("handbook/" + page.getFileName(), page);
            }
        }
        s3.putObject(b -> b.bucket(AwsEmulators.SOURCE_BUCKET).key("handbook/empty page.md"), RequestBody.empty());
        s3.putObject(b -> b.bucket(AwsEmulators.SOURCE_BUCKET).key("handbook/C++ notes+été.txt"), RequestBody.empty());

        JsonNode reply = invoke(fixture("s3/ten-records.json"));
        JsonNode results = reply.path("results");
        assertEquals(10, results.size(), reply.toString());
        for (int i = 0; i < 8; i++) {
            assertEquals(
                    "INDEXED",
                    results.get(i).path("outcome").asText(),
                    results.get(i).toString());
            assertTrue(results.get(i).path("vectors").asInt() >= 1);
        }
        assertEquals("handbook/C++ notes+été.txt", results.get(9).path("key").asText());
        assertEquals(0, results.get(8).path("vectors").asInt(), "a zero-byte page has no document");
        assertEquals(0, results.get(9).path("vectors").asInt());
        assertEquals(
                "handbook/database-restore.md",
                ask("undo a bad schema migration")
                        .path("matches")
                        .get(0)
                        .path("attributes")
                        .path("source")
                        .asText());
    }

    @Test
    void theAwsSampleGivesItsExpectedResult() throws Exception {
        Path sample = Path.of("..", "samples", "aws", "s3-object-created");
        JsonNode expected = JSON.readTree(sample.resolve("expected.json").toFile());
        JsonNode object = expected.get("object");
        put(object.get("key").asText(), Path.of("..").resolve(object.get("file").asText()));
        JsonNode result = invoke(Files.readString(sample.resolve("event.json")))
                .path("results")
                .get(0);
        assertEquals(expected.get("outcome").asText(), result.path("outcome").asText(), result.toString());
        assertEquals(
                expected.get("namespace").asText(), result.path("namespace").asText());
        assertTrue(sources(ask(expected.at("/query/text").asText()).path("matches"))
                .contains(expected.at("/query/topSource").asText()));
    }
}
