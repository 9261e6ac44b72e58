package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.budget.Cancellation;
import dev.abi.budget.ComputeBudget;
import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentIndex;
import dev.abi.inference.ModelRegistry;
import dev.abi.inference.convert.EmbeddingFixtures;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compute budget of one request through the gateway, with the real MiniLM and stories260K models: refusals name
 * the field (413, in OpenAI's shape on the OpenAI routes, as a problem on the documents route), and a cancelled
 * embeddings request stops between batches.
 */
class ComputeBudgetApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMBEDDER = "all-MiniLM-L6-v2-Q8_0";
    private static final Path STORIES = SharedFixtures.path("models", "stories260K", "stories260K-f32.gguf");
    private static final ComputeBudget SMALL = ComputeBudget.builder()
            .maxEmbeddingInputs(40)
            .maxEmbeddingTokens(200)
            .maxDocumentTokens(50)
            .maxPromptChars(100)
            .maxMessages(3)
            .build();
    private static ModelRegistry models;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(
                Files.exists(EmbeddingFixtures.SHARED_Q8) && Files.exists(STORIES),
                "skipped: the shared models (../shared/models) are absent");
        models = new ModelRegistry(Map.of(EMBEDDER, EmbeddingFixtures.SHARED_Q8, "stories", STORIES));
        NamespaceService namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
        DocumentIndex documents = new DocumentIndex(
                namespaces, models::embedder, EMBEDDER, new Chunker.Options(64, 8), DocumentIndex.Limits.defaults());
        gateway = new Gateway(namespaces, Limits.defaults().withCompute(SMALL), List.of(), null, models, documents);
    }

    @AfterAll
    static void stop() {
        if (models != null) {
            models.close();
        }
    }

    private static HttpResponse call(String path, Object body, Cancellation cancellation) throws Exception {
        return gateway.handle(
                new HttpRequest("POST", path, Map.of(), Map.of(), JSON.writeValueAsBytes(body), cancellation));
    }

    private static JsonNode openAiError(HttpResponse r, int status, String param) throws Exception {
        assertEquals(
                status,
                r.status(),
                () -> r.bodyText().substring(0, Math.min(300, r.bodyText().length())));
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertEquals(param, error.get("param").asText(), error.toString());
        return error;
    }

    private static ObjectNode embeddings(int inputs, String text) {
        ObjectNode body = JSON.createObjectNode().put("model", EMBEDDER);
        ArrayNode list = body.putArray("input");
        for (int i = 0; i < inputs; i++) {
            list.add(text + " " + i);
        }
        return body;
    }

    @Test
    void embeddingInputsOverTheTokenBudgetAre413NamingInput() throws Exception {
        // about 11 tokens and the two markers per input: 20 inputs go over 200; 40 short ones ("hello world n", 5 with
        // the markers) make exactly 200
        JsonNode error = openAiError(
                call(
                        "/v1/embeddings",
                        embeddings(20, "hello world again and again and again" + " and again"),
                        Cancellation.NONE),
                413,
                "input");
        assertEquals("request_too_large", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("at most 200 tokens"), error.toString());
        assertEquals(
                200,
                call("/v1/embeddings", embeddings(40, "hello world"), Cancellation.NONE)
                        .status());
    }

    @Test
    void moreInputsThanTheBudgetAllowsAre400NamingInput() throws Exception {
        JsonNode error = openAiError(call("/v1/embeddings", embeddings(41, "hi"), Cancellation.NONE), 400, "input");
        assertTrue(error.get("message").asText().contains("the limit is 40"), error.toString());
    }

    @Test
    void aCancelledEmbeddingsRequestStopsBeforeTheNextBatch() throws Exception {
        // 40 inputs are two batches of 32 and 8; the client goes away while the first is embedded
        AtomicInteger checks = new AtomicInteger();
        HttpResponse r = call("/v1/embeddings", embeddings(40, "hello world"), () -> checks.incrementAndGet() > 1);
        assertEquals(
                499,
                r.status(),
                () -> r.bodyText().substring(0, Math.min(300, r.bodyText().length())));
        assertEquals(2, checks.get(), "checked before each batch, and stopped at the second");
    }

    @Test
    void chatMessagesAreCountedBeforeAnythingIsTokenized() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "stories");
        ArrayNode messages = body.putArray("messages");
        for (int i = 0; i < 4; i++) {
            messages.addObject().put("role", "user").put("content", "hi");
        }
        JsonNode error = openAiError(call("/v1/chat/completions", body, Cancellation.NONE), 413, "messages");
        assertTrue(error.get("message").asText().contains("holds 4 messages; the limit is 3"), error.toString());
        messages.remove(3);
        assertEquals(
                200,
                call("/v1/chat/completions", body.put("max_tokens", 2), Cancellation.NONE)
                        .status());
    }

    @Test
    void chatContentAndCompletionPromptsOverTheCharacterBoundAre413() throws Exception {
        ObjectNode chat = JSON.createObjectNode().put("model", "stories");
        chat.putArray("messages").addObject().put("role", "system").put("content", "a".repeat(60));
        ((ArrayNode) chat.get("messages")).addObject().put("role", "user").put("content", "b".repeat(41));
        JsonNode error = openAiError(call("/v1/chat/completions", chat, Cancellation.NONE), 413, "messages");
        assertTrue(error.get("message").asText().contains("101 characters"), error.toString());

        ObjectNode completion = JSON.createObjectNode().put("model", "stories").put("prompt", "c".repeat(101));
        error = openAiError(call("/v1/completions", completion, Cancellation.NONE), 413, "prompt");
        assertTrue(error.get("message").asText().contains("the limit is 100"), error.toString());
    }

    @Test
    void documentsOverTheTokenBudgetAreAProblemNamingDocuments() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("documents").addObject().put("id", "long").put("text", "word ".repeat(60));
        HttpResponse r = call("/v1/namespaces/docs/documents", body, Cancellation.NONE);
        assertEquals(413, r.status(), r.bodyText());
        JsonNode problem = JSON.readTree(r.body());
        assertTrue(problem.get("type").asText().endsWith("budget-exceeded"), problem.toString());
        assertEquals("documents", problem.get("errors").get(0).get("field").asText());
    }

    @Test
    void budgetOptionsBelowOneAreRefusedByName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ComputeBudget.builder().maxMessages(0).build());
        assertEquals("maxMessages must be at least 1, got 0", e.getMessage());
        assertEquals(ComputeBudget.defaults(), Limits.defaults().compute());
    }
}
