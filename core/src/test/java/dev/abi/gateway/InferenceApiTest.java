package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.inference.ModelRegistry;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible routes over the real stories260K model: shapes, streaming, and OpenAI-shaped errors. */
class InferenceApiTest {

    private static final Path MODEL = SharedFixtures.path("models", "stories260K", "stories260K-f32.gguf");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ModelRegistry models;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        if (Files.exists(MODEL)) {
            models = new ModelRegistry(Map.of("stories", MODEL));
            gateway = new Gateway(
                    new NamespaceService(new NamespaceStore(new InMemoryObjectStore())),
                    Limits.defaults(),
                    List.of(),
                    null,
                    models);
        }
    }

    @AfterAll
    static void stop() {
        if (models != null) {
            models.close();
        }
    }

    private static HttpResponse call(String method, String path, String body) {
        Assumptions.assumeTrue(
                gateway != null, "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent");
        return gateway.handle(new HttpRequest(
                method, path, Map.of(), Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode json(HttpResponse r) throws Exception {
        return JSON.readTree(r.bufferedBody());
    }

    @Test
    void modelsAndACompletion() throws Exception {
        JsonNode list = json(call("GET", "/v1/models", null));
        assertEquals("stories", list.get("data").get(0).get("id").asText());
        HttpResponse r = call(
                "POST",
                "/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"Once upon a time\",\"max_tokens\":12,\"temperature\":0}");
        assertEquals(200, r.status(), r.bodyText());
        JsonNode c = json(r);
        assertEquals("text_completion", c.get("object").asText());
        assertTrue(c.get("choices").get(0).get("text").asText().startsWith(", there was a little girl"), c.toString());
        assertEquals("length", c.get("choices").get(0).get("finish_reason").asText());
        assertEquals(5, c.get("usage").get("prompt_tokens").asInt());
        assertEquals(12, c.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void chatStreamsTheSameTextAsTheWholeReply() throws Exception {
        String req = "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],"
                + "\"max_tokens\":20,\"temperature\":0.7,\"seed\":11%s}";
        JsonNode whole = json(call("POST", "/v1/chat/completions", req.formatted("")));
        assertEquals("chat.completion", whole.get("object").asText());
        String content =
                whole.get("choices").get(0).get("message").get("content").asText();
        assertTrue(!content.isEmpty());

        HttpResponse streamed = call("POST", "/v1/chat/completions", req.formatted(",\"stream\":true"));
        assertEquals(200, streamed.status());
        assertEquals("text/event-stream", streamed.headers().get("Content-Type"));
        assertTrue(streamed.stream() != null, "a streamed body, written as it is produced");
        String[] events = streamed.bodyText().split("\n\n");
        assertEquals("data: [DONE]", events[events.length - 1]);
        StringBuilder text = new StringBuilder();
        JsonNode first = JSON.readTree(events[0].substring("data: ".length()));
        assertEquals(
                "assistant",
                first.get("choices").get(0).get("delta").get("role").asText());
        for (int i = 1; i < events.length - 1; i++) {
            JsonNode chunk = JSON.readTree(events[i].substring("data: ".length()));
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            text.append(chunk.get("choices").get(0).get("delta").path("content").asText(""));
        }
        assertEquals(content, text.toString());
        JsonNode last = JSON.readTree(events[events.length - 2].substring("data: ".length()));
        assertEquals("length", last.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void errorsComeInOpenAisShape() throws Exception {
        HttpResponse unknown = call(
                "POST",
                "/v1/chat/completions",
                "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(404, unknown.status());
        assertEquals("model_not_found", json(unknown).get("error").get("code").asText());

        HttpResponse cold =
                call("POST", "/v1/completions", "{\"model\":\"stories\",\"prompt\":\"a\",\"temperature\":-1}");
        assertEquals(400, cold.status());
        assertEquals("temperature", json(cold).get("error").get("param").asText());

        HttpResponse topP = call("POST", "/v1/completions", "{\"model\":\"stories\",\"prompt\":\"a\",\"top_p\":1.5}");
        assertEquals(400, topP.status());
        assertEquals("top_p", json(topP).get("error").get("param").asText());

        HttpResponse tooLong = call(
                "POST",
                "/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"" + "Once upon a time ".repeat(60) + "\"}");
        assertEquals(400, tooLong.status());
        assertEquals(
                "context_length_exceeded",
                json(tooLong).get("error").get("code").asText());

        HttpResponse noMessages = call("POST", "/v1/chat/completions", "{\"model\":\"stories\"}");
        assertEquals(400, noMessages.status());
        assertEquals("messages", json(noMessages).get("error").get("param").asText());
        assertTrue(json(noMessages).get("error").has("type"));
    }

    @Test
    void streamOptionsIncludeUsageEndsTheStreamWithAUsageChunk() throws Exception {
        String req = "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_tokens\":5,\"seed\":3,\"stream\":true%s}";
        String[] events = call(
                        "POST", "/v1/chat/completions", req.formatted(",\"stream_options\":{\"include_usage\":true}"))
                .bodyText()
                .split("\n\n");
        assertEquals("data: [DONE]", events[events.length - 1]);
        JsonNode usage = JSON.readTree(events[events.length - 2].substring("data: ".length()));
        assertEquals(0, usage.get("choices").size());
        assertEquals(5, usage.get("usage").get("completion_tokens").asInt());
        assertEquals(
                usage.get("usage").get("prompt_tokens").asInt() + 5,
                usage.get("usage").get("total_tokens").asInt());
        String[] plain = call("POST", "/v1/chat/completions", req.formatted(""))
                .bodyText()
                .split("\n\n");
        assertTrue(
                JSON.readTree(plain[plain.length - 2].substring("data: ".length()))
                                .get("usage")
                        == null,
                "no usage chunk unless asked");
        HttpResponse notStreamed = call(
                "POST",
                "/v1/chat/completions",
                req.replace(",\"stream\":true", "").formatted(",\"stream_options\":{\"include_usage\":true}"));
        assertEquals(
                "stream_options", json(notStreamed).get("error").get("param").asText());
    }

    @Test
    void textPartsAndTheDeveloperRoleAnswerAsAStringAndTheSystemRoleDo() throws Exception {
        String plain = "{\"model\":\"stories\",\"max_tokens\":8,\"temperature\":0,\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Once upon\"}]}";
        String parts = "{\"model\":\"stories\",\"max_tokens\":8,\"temperature\":0,\"messages\":["
                + "{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"Be brief.\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Once \"},"
                + "{\"type\":\"text\",\"text\":\"upon\"}]}]}";
        JsonNode a = json(call("POST", "/v1/chat/completions", plain));
        JsonNode b = json(call("POST", "/v1/chat/completions", parts));
        assertEquals(
                a.get("choices").get(0).get("message").get("content").asText(),
                b.get("choices").get(0).get("message").get("content").asText());
        assertEquals(
                a.get("usage").get("prompt_tokens").asInt(),
                b.get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void outOfRangeAndUnsupportedParametersAre400NamingTheParameter() throws Exception {
        String chat = "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":%s}]%s}";
        String hi = "\"hi\"";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("temperature", chat.formatted(hi, ",\"temperature\":2.5"));
        cases.put("top_p", chat.formatted(hi, ",\"top_p\":-0.1"));
        cases.put("frequency_penalty", chat.formatted(hi, ",\"frequency_penalty\":2.5"));
        cases.put("presence_penalty", chat.formatted(hi, ",\"presence_penalty\":-3"));
        cases.put("tools", chat.formatted(hi, ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]"));
        cases.put("n", chat.formatted(hi, ",\"n\":2"));
        cases.put("top_logprobs", chat.formatted(hi, ",\"top_logprobs\":2"));
        cases.put("response_format.json_schema", chat.formatted(hi, ",\"response_format\":{\"type\":\"json_schema\"}"));
        cases.put("response_format.type", chat.formatted(hi, ",\"response_format\":{\"type\":\"xml\"}"));
        cases.put(
                "messages[0].content[1].type",
                chat.formatted(
                        "[{\"type\":\"text\",\"text\":\"look\"},"
                                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.org/a.png\"}}]",
                        ""));
        cases.put("messages[0].content", chat.formatted("[]", ""));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse r = call("POST", "/v1/chat/completions", c.getValue());
            assertEquals(400, r.status(), c.getKey() + ": " + r.bodyText());
            assertEquals(c.getKey(), json(r).get("error").get("param").asText(), r.bodyText());
            assertEquals(
                    "invalid_request_error", json(r).get("error").get("type").asText());
        }
        assertEquals(
                200,
                call(
                                "POST",
                                "/v1/chat/completions",
                                chat.formatted(
                                        hi,
                                        ",\"max_tokens\":2,\"temperature\":2,\"logprobs\":false,\"n\":1,\"response_format\":{\"type\":\"text\"}"))
                        .status(),
                "the edges of the ranges and the defaults are accepted");
    }

    @Test
    void aModelIsRetrievedByIdAndAnUnknownOneIs404InOpenAisShape() throws Exception {
        JsonNode model = json(call("GET", "/v1/models/stories", null));
        assertEquals("stories", model.get("id").asText());
        assertEquals("model", model.get("object").asText());
        HttpResponse unknown = call("GET", "/v1/models/gpt-9", null);
        assertEquals(404, unknown.status());
        assertEquals("model_not_found", json(unknown).get("error").get("code").asText());
    }

    @Test
    void logprobsReportTheModelsDistributionForEachGeneratedToken() throws Exception {
        JsonNode chat = json(call(
                "POST",
                "/v1/chat/completions",
                "{\"model\":\"stories\",\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"Once upon\"}],\"max_tokens\":6,\"temperature\":0,\"logprobs\":true,"
                        + "\"top_logprobs\":3}"));
        JsonNode content = chat.get("choices").get(0).get("logprobs").get("content");
        assertEquals(chat.get("usage").get("completion_tokens").asInt(), content.size());
        for (JsonNode token : content) {
            JsonNode top = token.get("top_logprobs");
            assertEquals(3, top.size());
            assertTrue(token.get("logprob").asDouble() <= 0, token.toString());
            // greedy: the chosen token is the most likely one
            assertEquals(top.get(0).get("token").asText(), token.get("token").asText(), token.toString());
            assertEquals(
                    top.get(0).get("logprob").asDouble(), token.get("logprob").asDouble(), 1e-6);
            assertTrue(top.get(0).get("logprob").asDouble()
                    >= top.get(1).get("logprob").asDouble());
            assertTrue(top.get(1).get("logprob").asDouble()
                    >= top.get(2).get("logprob").asDouble());
        }
        JsonNode plain = json(call(
                "POST",
                "/v1/chat/completions",
                "{\"model\":\"stories\",\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"Once upon\"}],\"max_tokens\":6,\"temperature\":0}"));
        assertTrue(plain.get("choices").get(0).get("logprobs").isNull());
        assertEquals(
                plain.get("choices").get(0).get("message").get("content").asText(),
                chat.get("choices").get(0).get("message").get("content").asText(),
                "asking for logprobs changes nothing");

        JsonNode completion = json(call(
                "POST",
                "/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"Once\",\"max_tokens\":4,\"logprobs\":2,\"seed\":1}"));
        JsonNode lp = completion.get("choices").get(0).get("logprobs");
        assertEquals(4, lp.get("tokens").size());
        assertEquals(4, lp.get("token_logprobs").size());
        assertEquals(4, lp.get("text_offset").size());
        assertTrue(lp.get("top_logprobs").get(0).size() <= 2
                && lp.get("top_logprobs").get(0).size() >= 1);
        HttpResponse tooMany =
                call("POST", "/v1/completions", "{\"model\":\"stories\",\"prompt\":\"a\",\"logprobs\":6}");
        assertEquals("logprobs", json(tooMany).get("error").get("param").asText());
        HttpResponse chatTooMany = call(
                "POST",
                "/v1/chat/completions",
                "{\"model\":\"stories\",\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"a\"}],\"logprobs\":true,\"top_logprobs\":21}");
        assertEquals("top_logprobs", json(chatTooMany).get("error").get("param").asText());
    }

    @Test
    void streamedLogprobsCarryEachChunksTokensAndAddUpToTheWholeReplys() throws Exception {
        String chat = "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon\"}],"
                + "\"max_tokens\":8,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":2%s}";
        JsonNode whole = json(call("POST", "/v1/chat/completions", chat.formatted("")))
                .get("choices")
                .get(0)
                .get("logprobs")
                .get("content");
        List<JsonNode> streamed = new java.util.ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : events(call("POST", "/v1/chat/completions", chat.formatted(",\"stream\":true")))) {
            JsonNode choice = chunk.get("choices").get(0);
            JsonNode content = choice.path("logprobs").path("content");
            String piece = choice.get("delta").path("content").asText("");
            StringBuilder tokens = new StringBuilder();
            content.forEach(t -> {
                streamed.add(t);
                tokens.append(t.get("token").asText());
            });
            if (!piece.isEmpty()) {
                assertEquals(piece, tokens.toString(), "a chunk carries the logprobs of the tokens it holds");
            }
            text.append(piece);
        }
        assertTrue(whole.size() > 0);
        assertEquals(whole.size(), streamed.size(), streamed.toString());
        for (int i = 0; i < whole.size(); i++) {
            assertEquals(whole.get(i), streamed.get(i), "token " + i);
        }

        // the stop sequence holds back " time, there was a" until it stops matching: one chunk carries those tokens
        String completion = "{\"model\":\"stories\",\"prompt\":\"Once\",\"max_tokens\":10,\"temperature\":0,"
                + "\"logprobs\":2,\"stop\":\" time, there was a dragon\"%s}";
        JsonNode plain = json(call("POST", "/v1/completions", completion.formatted("")))
                .get("choices")
                .get(0)
                .get("logprobs");
        List<String> tokens = new java.util.ArrayList<>();
        List<Integer> offsets = new java.util.ArrayList<>();
        int most = 0;
        for (JsonNode chunk : events(call("POST", "/v1/completions", completion.formatted(",\"stream\":true")))) {
            JsonNode lp = chunk.get("choices").get(0).path("logprobs");
            StringBuilder joined = new StringBuilder();
            lp.path("tokens").forEach(t -> {
                tokens.add(t.asText());
                joined.append(t.asText());
            });
            lp.path("text_offset").forEach(o -> offsets.add(o.asInt()));
            String piece = chunk.get("choices").get(0).path("text").asText("");
            if (!piece.isEmpty()) {
                assertEquals(piece, joined.toString(), "a chunk carries the logprobs of the tokens it holds");
            }
            most = Math.max(most, lp.path("tokens").size());
        }
        assertTrue(most > 1, "some chunk held several tokens (held back by the stop sequence)");
        assertEquals(JSON.convertValue(plain.get("tokens"), List.class), tokens);
        assertEquals(JSON.convertValue(plain.get("text_offset"), List.class), offsets);
    }

    /** The JSON chunks of a stream, without {@code [DONE]}. */
    static List<JsonNode> events(HttpResponse r) throws Exception {
        assertEquals(200, r.status());
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String event : new String(r.bufferedBody(), StandardCharsets.UTF_8).split("\n\n")) {
            assertTrue(event.startsWith("data: "), event);
            String data = event.substring("data: ".length());
            if (!data.equals("[DONE]")) {
                JsonNode chunk = JSON.readTree(data);
                assertTrue(!chunk.has("error"), data);
                out.add(chunk);
            }
        }
        return out;
    }

    @Test
    void jsonModeAlwaysAnswersOneJsonObjectEvenAtTemperatureOneAndOnATightBudget() throws Exception {
        for (int maxTokens : new int[] {2, 3, 12, 40}) {
            for (int seed = 1; seed <= 4; seed++) {
                JsonNode r = json(call(
                        "POST",
                        "/v1/chat/completions",
                        "{\"model\":\"stories\",\"messages\":[{"
                                + "\"role\":\"user\",\"content\":\"Describe a cat as JSON\"}],\"temperature\":1,\"seed\":"
                                + seed + ",\"max_tokens\":" + maxTokens
                                + ",\"response_format\":{\"type\":\"json_object\"}}"));
                String content =
                        r.get("choices").get(0).get("message").get("content").asText();
                JsonNode parsed = JSON.readTree(content);
                assertTrue(
                        parsed != null && parsed.isObject(),
                        "max_tokens " + maxTokens + " seed " + seed + ": " + content);
                assertTrue(r.get("usage").get("completion_tokens").asInt() <= maxTokens);
                if (maxTokens == 40) {
                    assertTrue(parsed.size() >= 1, "the model writes content rather than padding: " + content);
                }
            }
        }
        for (int seed = 1; seed <= 6; seed++) { // stops the model spells over several tokens never cut the object
            JsonNode stopped = json(call(
                    "POST",
                    "/v1/completions",
                    "{\"model\":\"stories\",\"prompt\":\"Once\","
                            + "\"max_tokens\":60,\"temperature\":1,\"seed\":" + seed + ",\"stop\":[\"the\",\"a \"],"
                            + "\"response_format\":{\"type\":\"json_object\"}}"));
            String text = stopped.get("choices").get(0).get("text").asText();
            assertTrue(JSON.readTree(text).isObject() && !text.contains("the"), text);
        }
        JsonNode completion = json(
                call(
                        "POST",
                        "/v1/completions",
                        "{\"model\":\"stories\",\"prompt\":\"Once\","
                                + "\"max_tokens\":20,\"temperature\":1,\"seed\":9,\"response_format\":{\"type\":\"json_object\"}}"));
        assertTrue(
                JSON.readTree(completion.get("choices").get(0).get("text").asText())
                        .isObject(),
                completion.toString());
    }
}
