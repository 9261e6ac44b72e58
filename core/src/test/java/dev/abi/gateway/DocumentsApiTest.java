package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentIndex;
import dev.abi.inference.ModelRegistry;
import dev.abi.inference.convert.EmbeddingFixtures;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.testing.SharedFixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The documents routes, text queries and {@code /v1/embeddings} through the gateway, with the real MiniLM model
 * (llama.cpp's Q8_0 file from {@code ../shared/models}) and the quickstart corpus ({@code samples/corpus/handbook}).
 */
class DocumentsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "all-MiniLM-L6-v2-Q8_0";
    private static final Path CORPUS = Path.of("..", "samples", "corpus", "handbook");
    private static ModelRegistry models;
    private Gateway gateway;

    @BeforeAll
    static void loadModel() {
        Assumptions.assumeTrue(
                Files.exists(EmbeddingFixtures.SHARED_Q8),
                "skipped: " + EmbeddingFixtures.SHARED_Q8.toAbsolutePath().normalize()
                        + " is absent (../shared/models)");
        models = new ModelRegistry(Map.of(
                MODEL,
                EmbeddingFixtures.SHARED_Q8,
                "stories",
                SharedFixtures.path("models", "stories260K", "stories260K-Q8_0.gguf")));
    }

    @AfterAll
    static void close() {
        if (models != null) {
            models.close();
        }
    }

    @BeforeEach
    void setUp() {
        NamespaceService namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
        DocumentIndex documents = new DocumentIndex(
                namespaces, models::embedder, MODEL, new Chunker.Options(64, 8), DocumentIndex.Limits.defaults());
        gateway = new Gateway(namespaces, Limits.defaults(), List.of(), null, models, documents);
    }

    private HttpResponse call(String method, String path, String body) {
        return call(method, path, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse call(String method, String path, byte[] body) {
        return gateway.handle(new HttpRequest(method, path, Map.of(), Map.of(), body));
    }

    private JsonNode ok(HttpResponse r) throws Exception {
        assertEquals(200, r.status(), r.bodyText());
        return JSON.readTree(r.body());
    }

    private int indexCorpus() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode docs = body.putArray("documents");
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                docs.addObject()
                        .put("id", name.substring(0, name.length() - 3))
                        .put("text", Files.readString(f))
                        .putObject("attributes")
                        .put("kind", "handbook");
            }
        }
        JsonNode r = ok(call("POST", "/v1/namespaces/handbook/documents", JSON.writeValueAsString(body)));
        assertEquals(docs.size(), r.get("documents").asInt());
        assertTrue(r.get("chunks").asInt() > docs.size(), "the 64-token window splits every page: " + r);
        return docs.size();
    }

    private List<String> topDocuments(String text, int k) throws Exception {
        JsonNode r = ok(call(
                "POST",
                "/v1/namespaces/handbook/query",
                JSON.writeValueAsString(Map.of("text", text, "topK", k * 3, "includeAttributes", true))));
        List<String> docs = new ArrayList<>();
        for (JsonNode m : r.get("matches")) {
            assertTrue(m.get("id").asText().startsWith(m.get("documentId").asText() + "#"), m.toString());
            assertFalse(m.get("text").asText().isBlank());
            assertEquals("handbook", m.get("attributes").get("kind").asText());
            assertFalse(m.get("attributes").has("abi.text"), "bookkeeping attributes stay hidden: " + m);
            if (!docs.contains(m.get("documentId").asText())) {
                docs.add(m.get("documentId").asText());
            }
        }
        return docs.subList(0, Math.min(k, docs.size()));
    }

    @Test
    void handWrittenQuestionsFindTheirPageInTheTopThree() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "skipped: " + CORPUS.toAbsolutePath() + " is absent");
        indexCorpus();
        Map<String, String> questions = Map.of(
                "how do I restore my data after a migration went wrong?", "database-restore",
                "my bike tyre is flat, how do I patch the tube", "bicycle-puncture",
                "how long should the dough proof before baking", "sourdough",
                "what does chlorophyll do in a leaf", "photosynthesis",
                "why are the leaves of my plant turning yellow", "houseplants",
                "how do I make www an alias of my domain", "dns-records",
                "how far should my longest training run be", "marathon",
                "when was the Bastille stormed", "french-revolution");
        for (Map.Entry<String, String> q : questions.entrySet()) {
            List<String> top = topDocuments(q.getKey(), 3);
            assertTrue(top.contains(q.getValue()), "'" + q.getKey() + "' gave " + top);
        }
    }

    @Test
    void replacingADocumentDropsItsOldChunksAndDeleteRemovesThemAll() throws Exception {
        String longText = "The lighthouse keeper climbed the stairs every evening to light the lamp. ".repeat(40);
        JsonNode first = ok(call(
                "POST",
                "/v1/namespaces/n1/documents",
                JSON.writeValueAsString(Map.of("documents", List.of(Map.of("id", "keeper", "text", longText))))));
        int chunks = first.get("chunks").asInt();
        assertTrue(chunks >= 5, first.toString());
        assertEquals(
                chunks, ok(call("GET", "/v1/namespaces/n1", "")).get("count").asInt());

        JsonNode second = ok(call(
                "POST",
                "/v1/namespaces/n1/documents",
                JSON.writeValueAsString(Map.of(
                        "documents", List.of(Map.of("id", "keeper", "text", "A short note about the lighthouse."))))));
        assertEquals(1, second.get("chunks").asInt());
        assertEquals(first.get("version").asLong() + 1, second.get("version").asLong(), "one commit per request");
        assertEquals(1, ok(call("GET", "/v1/namespaces/n1", "")).get("count").asInt(), "stale chunks are gone");

        ok(call(
                "POST",
                "/v1/namespaces/n1/documents",
                JSON.writeValueAsString(
                        Map.of("documents", List.of(Map.of("id", "other", "text", "Something else entirely."))))));
        JsonNode deleted = ok(call("POST", "/v1/namespaces/n1/documents/delete", "{\"documentIds\":[\"keeper\"]}"));
        assertEquals(1, deleted.get("deleted").asInt());
        JsonNode q = ok(call("POST", "/v1/namespaces/n1/query", "{\"text\":\"lighthouse\",\"topK\":10}"));
        assertEquals(1, q.get("matches").size());
        assertEquals("other", q.get("matches").get(0).get("documentId").asText());
    }

    @Test
    void embeddingsRouteIsOpenAiShapedAndMatchesTheModel() throws Exception {
        JsonNode r = ok(call(
                "POST",
                "/v1/embeddings",
                "{\"model\":\"" + MODEL + "\",\"input\":[\"Hello world\",\"Bonjour le monde\"]}"));
        assertEquals("list", r.get("object").asText());
        assertEquals(2, r.get("data").size());
        assertEquals(384, r.get("data").get(0).get("embedding").size());
        assertEquals(1, r.get("data").get(1).get("index").asInt());
        int tokens = models.embedder(MODEL).tokenize("Hello world").length
                + models.embedder(MODEL).tokenize("Bonjour le monde").length;
        assertEquals(4, models.embedder(MODEL).tokenize("Hello world").length); // [CLS] hello world [SEP]
        assertEquals(tokens, r.get("usage").get("prompt_tokens").asInt());
        float[] direct = models.embedder(MODEL).embed(List.of("Hello world"))[0];
        for (int i = 0; i < direct.length; i++) {
            assertEquals(
                    direct[i],
                    (float) r.get("data").get(0).get("embedding").get(i).asDouble(),
                    1e-6);
        }
        JsonNode b64 = ok(call(
                "POST",
                "/v1/embeddings",
                "{\"model\":\"" + MODEL + "\",\"input\":\"Hello world\",\"encoding_format\":\"base64\"}"));
        float[] decoded = new float[384];
        ByteBuffer.wrap(Base64.getDecoder()
                        .decode(b64.get("data").get(0).get("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(decoded);
        for (int i = 0; i < direct.length; i++) {
            assertEquals(direct[i], decoded[i]);
        }
    }

    private JsonNode openAiError(HttpResponse r, int status) throws Exception {
        assertEquals(status, r.status(), r.bodyText());
        return JSON.readTree(r.body()).get("error");
    }

    @Test
    void badEmbeddingRequestsGetOpenAiErrors() throws Exception {
        assertEquals(
                "input",
                openAiError(call("POST", "/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":\"\"}"), 400)
                        .get("param")
                        .asText());
        StringBuilder many = new StringBuilder("{\"model\":\"" + MODEL + "\",\"input\":[");
        for (int i = 0; i < 10_000; i++) {
            many.append(i == 0 ? "" : ",").append("\"x\"");
        }
        JsonNode tooMany =
                openAiError(call("POST", "/v1/embeddings", many.append("]}").toString()), 400);
        assertTrue(tooMany.get("message").asText().contains("2048"), tooMany.toString());
        assertEquals(
                "model_not_found",
                openAiError(call("POST", "/v1/embeddings", "{\"model\":\"nope\",\"input\":\"hi\"}"), 404)
                        .get("code")
                        .asText());
        assertEquals(
                "model",
                openAiError(call("POST", "/v1/embeddings", "{\"model\":\"stories\",\"input\":\"hi\"}"), 400)
                        .get("param")
                        .asText());
        JsonNode tooLong = openAiError(
                call(
                        "POST",
                        "/v1/embeddings",
                        "{\"model\":\"" + MODEL + "\",\"input\":\"" + "word ".repeat(600) + "\"}"),
                400);
        assertEquals("context_length_exceeded", tooLong.get("code").asText());
        byte[] badUtf8 = ("{\"model\":\"" + MODEL + "\",\"input\":\"caf\u00e9\"}").getBytes(StandardCharsets.UTF_8);
        badUtf8[badUtf8.length - 4] = (byte) 0xC3;
        badUtf8[badUtf8.length - 3] = (byte) 0x28; // 0xC3 followed by a non-continuation byte
        assertEquals(400, call("POST", "/v1/embeddings", badUtf8).status());
    }

    @Test
    void badDocumentRequestsGetProblems() throws Exception {
        assertEquals(
                400,
                call("POST", "/v1/namespaces/n2/documents", "{\"documents\":[{\"id\":\"a\",\"text\":\"\"}]}")
                        .status());
        HttpResponse big = call(
                "POST",
                "/v1/namespaces/n2/documents",
                JSON.writeValueAsString(Map.of(
                        "documents", List.of(Map.of("id", "a", "text", "x".repeat((1 << 20) + 10))))));
        assertEquals(400, big.status(), big.bodyText());
        HttpResponse dup = call(
                "POST",
                "/v1/namespaces/n2/documents",
                "{\"documents\":[{\"id\":\"a\",\"text\":\"one\"},{\"id\":\"a\",\"text\":\"two\"}]}");
        assertEquals(400, dup.status());
        assertTrue(dup.bodyText().contains("documents[1].id"), dup.bodyText());
        HttpResponse model = call(
                "POST",
                "/v1/namespaces/n2/documents",
                "{\"documents\":[{\"id\":\"a\",\"text\":\"one\"}],\"model\":\"nope\"}");
        assertEquals(404, model.status(), "an unknown model is 404 on every route, as on the OpenAI routes");
        assertTrue(model.bodyText().contains("\"field\":\"model\""), model.bodyText());
        assertTrue(model.bodyText().contains("nope"), model.bodyText());
        HttpResponse reserved = call(
                "POST",
                "/v1/namespaces/n2/documents",
                "{\"documents\":[{\"id\":\"a\",\"text\":\"one\",\"attributes\":{\"abi.text\":\"x\"}}]}");
        assertEquals(400, reserved.status());
        assertEquals(
                400, call("POST", "/v1/namespaces/n2/query", "{\"text\":\"\"}").status());
        assertEquals(
                400,
                call("POST", "/v1/namespaces/n2/query", "{\"text\":\"a\",\"vector\":[1]}")
                        .status());
        assertEquals(
                404,
                call("POST", "/v1/namespaces/none/query", "{\"text\":\"hello\"}")
                        .status());
    }
}
