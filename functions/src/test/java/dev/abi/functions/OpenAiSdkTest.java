package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.abi.testing.SharedFixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java client ({@code com.openai:openai-java}) against the running local server, with the shared
 * stories260K and MiniLM models ({@code %test.abi.models-dir}): what the client's users call works as they expect,
 * and an error arrives as the client's typed exception with the parameter named.
 */
@QuarkusTest
class OpenAiSdkTest {

    private static final String CHAT_MODEL = "stories260K-Q8_0";
    private static final String EMBEDDING_MODEL = "all-MiniLM-L6-v2-Q8_0";
    private static final Path STORIES = SharedFixtures.path("models", "stories260K", CHAT_MODEL + ".gguf");
    private static final Path MINILM = SharedFixtures.path("models", "all-MiniLM-L6-v2", EMBEDDING_MODEL + ".gguf");

    @TestHTTPResource("/v1")
    URL base;

    private OpenAIClient client;

    @BeforeEach
    void connect() {
        Assumptions.assumeTrue(
                Files.exists(STORIES) && Files.exists(MINILM),
                "skipped: the shared models are absent (../shared/models)");
        client = OpenAIOkHttpClient.builder()
                .baseUrl(base.toString())
                .apiKey("unused-auth-is-off")
                .maxRetries(0)
                .build();
    }

    @Test
    void modelsAreListedAndRetrieved() {
        List<String> ids = new ArrayList<>();
        client.models().list().data().forEach(m -> ids.add(m.id()));
        assertTrue(ids.contains(CHAT_MODEL) && ids.contains(EMBEDDING_MODEL), ids.toString());
        Model model = client.models().retrieve(CHAT_MODEL);
        assertEquals(CHAT_MODEL, model.id());
        NotFoundException missing =
                assertThrows(NotFoundException.class, () -> client.models().retrieve("gpt-9"));
        assertEquals(404, missing.statusCode());
        assertEquals("model_not_found", missing.code().orElse(null));
    }

    @Test
    void aCompletion() {
        Completion c = client.completions()
                .create(CompletionCreateParams.builder()
                        .model(CHAT_MODEL)
                        .prompt("Once upon a time")
                        .maxTokens(6)
                        .seed(1)
                        .build());
        assertEquals(1, c.choices().size());
        assertFalse(c.choices().get(0).text().isEmpty());
        assertEquals(6, c.usage().orElseThrow().completionTokens());
    }

    @Test
    void aChatPlainAndStreamedGiveTheSameText() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(CHAT_MODEL)
                .addSystemMessage("Tell stories.")
                .addUserMessage("Once upon a time")
                .maxCompletionTokens(12)
                .temperature(0.0)
                .seed(5)
                .build();
        ChatCompletion whole = client.chat().completions().create(params);
        String text = whole.choices().get(0).message().content().orElse("");
        assertFalse(text.isEmpty());
        StringBuilder streamed = new StringBuilder();
        long[] usage = {-1};
        ChatCompletionCreateParams streaming = params.toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        try (StreamResponse<ChatCompletionChunk> chunks =
                client.chat().completions().createStreaming(streaming)) {
            chunks.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append));
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
            });
        }
        assertEquals(text, streamed.toString());
        assertEquals(whole.usage().orElseThrow().completionTokens(), usage[0]);
    }

    @Test
    void chatLogprobsArriveInTheClientsTypes() {
        ChatCompletion c = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(CHAT_MODEL)
                        .addUserMessage("Once upon a time")
                        .maxCompletionTokens(5)
                        .temperature(0.0)
                        .logprobs(true)
                        .topLogprobs(2L)
                        .build());
        var tokens = c.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertEquals(c.usage().orElseThrow().completionTokens(), tokens.size());
        tokens.forEach(t -> {
            assertEquals(2, t.topLogprobs().size());
            assertEquals(t.topLogprobs().get(0).logprob(), t.logprob(), 1e-6);
        });
    }

    @Test
    void streamedChatLogprobsArriveChunkByChunkAndMatchTheWholeReplys() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(CHAT_MODEL)
                .addUserMessage("Once upon a time")
                .maxCompletionTokens(6)
                .temperature(0.0)
                .logprobs(true)
                .topLogprobs(1L)
                .build();
        var whole = client.chat()
                .completions()
                .create(params)
                .choices()
                .get(0)
                .logprobs()
                .orElseThrow()
                .content()
                .orElseThrow();
        List<String> streamed = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> chunks =
                client.chat().completions().createStreaming(params)) {
            chunks.stream()
                    .forEach(chunk -> chunk.choices()
                            .forEach(ch -> ch.logprobs()
                                    .flatMap(ChatCompletionChunk.Choice.Logprobs::content)
                                    .ifPresent(tokens -> tokens.forEach(t -> streamed.add(t.token())))));
        }
        assertEquals(whole.stream().map(t -> t.token()).toList(), streamed);
    }

    @Test
    void aJsonSchemaResponseFormatAnswersJsonThatMatchesIt() throws Exception {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("name", Map.of("type", "string"));
        properties.put("age", Map.of("type", "integer"));
        properties.put("pet", Map.of("enum", List.of("cat", "dog")));
        schema.put("properties", properties);
        schema.put("required", List.of("name", "age", "pet"));
        schema.put("additionalProperties", false);
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder body = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        schema.forEach((k, v) -> body.putAdditionalProperty(k, JsonValue.from(v)));
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("person")
                        .strict(true)
                        .schema(body.build())
                        .build())
                .build();
        for (long seed = 1; seed <= 3; seed++) {
            ChatCompletion c = client.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model(CHAT_MODEL)
                            .addUserMessage("JSON")
                            .temperature(1.0)
                            .seed(seed)
                            .maxCompletionTokens(60)
                            .responseFormat(format)
                            .build());
            String content = c.choices().get(0).message().content().orElseThrow();
            JsonNode parsed = new ObjectMapper().readTree(content);
            assertEquals(List.of("name", "age", "pet"), iterate(parsed.fieldNames()), content);
            assertTrue(parsed.get("name").isTextual() && parsed.get("age").isIntegralNumber(), content);
            assertTrue(List.of("cat", "dog").contains(parsed.get("pet").asText()), content);
        }
        schema.put("properties", Map.of("name", Map.of("type", "string", "pattern", "^A")));
        schema.put("required", List.of("name"));
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder bad = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        schema.forEach((k, v) -> bad.putAdditionalProperty(k, JsonValue.from(v)));
        BadRequestException refused = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model(CHAT_MODEL)
                                .addUserMessage("JSON")
                                .responseFormat(ResponseFormatJsonSchema.builder()
                                        .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                                                .name("person")
                                                .strict(true)
                                                .schema(bad.build())
                                                .build())
                                        .build())
                                .build()));
        assertEquals(
                "response_format.json_schema.schema.properties.name.pattern",
                refused.param().orElse(null));
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    @Test
    void embeddingsAsFloatsAndAsBase64AreTheSameVector() {
        CreateEmbeddingResponse floats = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model(EMBEDDING_MODEL)
                        .input("hello world")
                        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                        .build());
        List<Float> values = floats.data().get(0).embeddingValue().asFloats();
        assertEquals(384, values.size());
        CreateEmbeddingResponse packed = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model(EMBEDDING_MODEL)
                        .input("hello world")
                        .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                        .build());
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(packed.data().get(0).embeddingValue().asBase64()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.size(); i++) {
            assertEquals(values.get(i), bytes.getFloat(), 0f, "element " + i);
        }
    }

    @Test
    void errorsArriveAsTheClientsTypedExceptionsNamingTheParameter() {
        BadRequestException hot = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model(CHAT_MODEL)
                                .addUserMessage("hi")
                                .temperature(2.5)
                                .build()));
        assertEquals("temperature", hot.param().orElse(null));
        BadRequestException several = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model(CHAT_MODEL)
                                .addUserMessage("hi")
                                .n(2)
                                .build()));
        assertEquals("n", several.param().orElse(null));
        assertThrows(
                NotFoundException.class,
                () -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("gpt-9")
                                .addUserMessage("hi")
                                .build()));
    }
}
