package dev.abi.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The staged Function App that the Quarkus build writes to {@code target/azure-functions/abi-serverless}. */
class AzurePackageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path APP = Path.of("target", "azure-functions", "abi-serverless");

    @Test
    void functionJsonBindsEveryApiPathToTheTrigger() throws Exception {
        JsonNode function = JSON.readTree(APP.resolve("api/function.json").toFile());
        assertEquals(
                "dev.abi.azure.AzureHttpFunction.handle",
                function.get("entryPoint").asText());
        Path script =
                APP.resolve("api").resolve(function.get("scriptFile").asText()).normalize();
        assertTrue(Files.isRegularFile(script), "scriptFile must point at the staged jar: " + script);

        JsonNode in = function.get("bindings").get(0);
        assertEquals("httpTrigger", in.get("type").asText());
        assertEquals("in", in.get("direction").asText());
        assertEquals("{*path}", in.get("route").asText());
        assertEquals("binary", in.get("dataType").asText());
        assertEquals("ANONYMOUS", in.get("authLevel").asText());
        List<String> methods = new ArrayList<>();
        in.get("methods").forEach(m -> methods.add(m.asText()));
        assertEquals(List.of("GET", "POST", "PUT", "PATCH", "DELETE"), methods);
        JsonNode out = function.get("bindings").get(1);
        assertEquals("http", out.get("type").asText());
        assertEquals("$return", out.get("name").asText());
    }

    @Test
    void hostServesApiPathsWithoutPrefix() throws Exception {
        JsonNode host = JSON.readTree(APP.resolve("host.json").toFile());
        assertEquals(
                "",
                host.at("/extensions/http/routePrefix").asText("missing"),
                "API.md paths start at /v1, so the host's default /api prefix must be off");
    }

    @Test
    void packagedSettingsCarryTheVectorModuleFlag() throws Exception {
        JsonNode settings = JSON.readTree(APP.resolve("local.settings.json").toFile());
        assertEquals("java", settings.at("/Values/FUNCTIONS_WORKER_RUNTIME").asText());
        assertTrue(
                settings.at("/Values/JAVA_TOOL_OPTIONS").asText().contains("--add-modules=jdk.incubator.vector"),
                "without the flag the worker JVM has no Vector API: " + settings);
        assertTrue(Files.exists(APP.resolve("lib")), "dependencies are staged under lib/");
    }

    @Test
    void functionJsonBindsTheEventGridAndBlobTriggers() throws Exception {
        JsonNode events = JSON.readTree(APP.resolve("blobEvents/function.json").toFile());
        assertEquals(
                "dev.abi.azure.AzureEventGridFunction.handle",
                events.get("entryPoint").asText());
        assertEquals(1, events.get("bindings").size(), "no output binding: the trigger returns nothing");
        JsonNode grid = events.get("bindings").get(0);
        assertEquals("eventGridTrigger", grid.get("type").asText());
        assertEquals("in", grid.get("direction").asText());
        assertEquals("event", grid.get("name").asText());

        JsonNode indexer =
                JSON.readTree(APP.resolve("blobIndexer/function.json").toFile());
        assertEquals(
                "dev.abi.azure.AzureBlobFunction.handle",
                indexer.get("entryPoint").asText());
        Path script = APP.resolve("blobIndexer")
                .resolve(indexer.get("scriptFile").asText())
                .normalize();
        assertTrue(Files.isRegularFile(script), "scriptFile must point at the staged jar: " + script);
        JsonNode blob = indexer.get("bindings").get(0);
        assertEquals("blobTrigger", blob.get("type").asText());
        assertEquals("%ABI_INGEST_CONTAINER%/{name}", blob.get("path").asText());
        assertEquals("binary", blob.get("dataType").asText());
        assertEquals("AzureWebJobsStorage", blob.get("connection").asText());
    }
}
