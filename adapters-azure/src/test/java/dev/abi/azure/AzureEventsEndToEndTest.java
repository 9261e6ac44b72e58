package dev.abi.azure;

import static dev.abi.azure.AzureEventContractTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.SharedFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end on Azure's code paths, with Azurite: a real page is uploaded as a blob with an awkward name, the
 * documented Event Grid BlobCreated event (CloudEvents schema) goes to the trigger as the Java worker passes it, and
 * a text query through the HTTP trigger finds it; the same event again changes nothing; BlobDeleted takes it out.
 * The blob trigger indexes a blob from its content and binding data, once per blob write.
 */
@QuarkusTest
@TestProfile(AzuriteProfile.class)
class AzureEventsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODEL = SharedFixtures.path("models", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-Q8_0.gguf");
    private static final Path HANDBOOK = Path.of("..", "samples", "corpus", "handbook");
    private static final String SOURDOUGH = "handbook/Sourdough starter+feeding é.md";

    @Inject
    AzureEventGridFunction eventGrid;

    @Inject
    AzureBlobFunction blobTrigger;

    @Inject
    AzureHttpFunction http;

    @ConfigProperty(name = "abi.store.connection-string")
    String connectionString;

    private BlobContainerClient container;

    @BeforeEach
    void needsTheModel() {
        Assumptions.assumeTrue(
                Files.exists(MODEL), "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent");
        container = new BlobServiceClientBuilder()
                .connectionString(connectionString)
                .httpClient(new JdkHttpClientBuilder().build())
                .buildClient()
                .getBlobContainerClient(AzuriteProfile.SOURCE_CONTAINER);
    }

    private JsonNode ask(String question) throws Exception {
        HostRequest.Reply reply = (HostRequest.Reply) http.handle(
                HostRequest.of(
                        "POST",
                        "/v1/namespaces/handbook/query",
                        JSON.createObjectNode()
                                .put("text", question)
                                .put("topK", 3)
                                .put("includeAttributes", true)
                                .toString()),
                null);
        assertEquals(200, reply.status().value(), reply.bodyText());
        return JSON.readTree(reply.bodyText()).path("matches");
    }

    @Test
    void eventGridCreatedThenRedeliveredThenDeleted() throws Exception {
        container
                .getBlobClient(SOURDOUGH)
                .uploadFromFile(HANDBOOK.resolve("sourdough.md").toString(), true);
        assertEquals("INDEXED", eventGrid.apply(fixture("eventgrid/e2e-created.json")));
        JsonNode hits = ask("how often should I feed my sourdough starter");
        assertTrue(hits.toString().contains("\"source\":\"" + SOURDOUGH + "\""), hits.toString());

        assertEquals("ALREADY_INDEXED", eventGrid.apply(fixture("eventgrid/e2e-created.json")));

        container.getBlobClient(SOURDOUGH).delete();
        assertEquals("REMOVED", eventGrid.apply(fixture("eventgrid/e2e-deleted.json")));
        for (JsonNode m : ask("how often should I feed my sourdough starter")) {
            assertNotEquals(SOURDOUGH, m.path("attributes").path("source").asText());
        }
        assertEquals("ignored", eventGrid.apply(fixture("eventgrid/blob-tier-changed.json")));
        assertTrue(eventGrid.apply(fixture("eventgrid/malformed-subject.json")).startsWith("refused: subject"));
    }

    @Test
    void theBlobTriggerIndexesEachBlobWriteOnce() throws Exception {
        JsonNode binding = JSON.readTree(fixture("blob/houseplants-binding.json"));
        byte[] content = Files.readAllBytes(
                Path.of("..").resolve(binding.get("contentFile").asText()));
        container
                .getBlobClient(binding.get("name").asText())
                .upload(com.azure.core.util.BinaryData.fromBytes(content), true);
        assertEquals(
                "INDEXED",
                blobTrigger.apply(
                        content,
                        binding.get("name").asText(),
                        binding.get("BlobTrigger").asText()));
        assertEquals(
                "ALREADY_INDEXED",
                blobTrigger.apply(
                        content,
                        binding.get("name").asText(),
                        binding.get("BlobTrigger").asText()),
                "the etag read with the blob identifies the write");
        assertEquals(
                "handbook/houseplants.md",
                ask("my plant's leaves are yellow, am I overwatering?")
                        .get(0)
                        .path("attributes")
                        .path("source")
                        .asText());
    }

    @Test
    void theAzureSampleGivesItsExpectedResult() throws Exception {
        Path sample = Path.of("..", "samples", "azure", "blob-created");
        JsonNode expected = JSON.readTree(sample.resolve("expected.json").toFile());
        JsonNode object = expected.get("object");
        container
                .getBlobClient(object.get("key").asText())
                .uploadFromFile(
                        Path.of("..").resolve(object.get("file").asText()).toString(), true);
        assertEquals(expected.get("outcome").asText(), eventGrid.apply(Files.readString(sample.resolve("event.json"))));
        assertTrue(ask(expected.at("/query/text").asText())
                .toString()
                .contains("\"source\":\"" + expected.at("/query/topSource").asText() + "\""));
    }
}
