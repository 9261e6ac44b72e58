package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.abi.inference.ModelRegistry;
import dev.abi.inference.schema.SchemaCompiler;
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
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code response_format: json_schema} over the real stories260K model at temperature 1: whatever the seed and the
 * budget, the reply parses and validates against the schema (checked by the networknt validator), and a schema
 * outside the supported subset is a 400 naming its keyword.
 */
class StructuredOutputsApiTest {

    private static final Path MODEL = SharedFixtures.path("models", "stories260K", "stories260K-Q8_0.gguf");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = """
            {"type":"object","properties":{
              "name":{"type":"string"},
              "age":{"type":"integer"},
              "pets":{"type":"array","items":{"enum":["cat","dog","bird"]},"minItems":1,"maxItems":3},
              "owner":{"type":"object","properties":{"first":{"type":"string"},"score":{"type":["number","null"]}},
                       "required":["first","score"],"additionalProperties":false}},
             "required":["name","age","pets","owner"],"additionalProperties":false}""";
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

    private static HttpResponse call(String path, String body) {
        Assumptions.assumeTrue(
                gateway != null, "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent");
        return gateway.handle(new HttpRequest("POST", path, Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String format(String schema, boolean strict) {
        return ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":"
                + strict + ",\"schema\":" + schema + "}}";
    }

    private static String chat(String extra) {
        return "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Describe a person as JSON\"}]"
                + extra + "}";
    }

    @Test
    void everyReplyValidatesAtTemperatureOneWhateverTheSeedAndBudget() throws Exception {
        JsonSchema validator =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JSON.readTree(SCHEMA));
        int shortest = SchemaCompiler.compile(JSON.readTree(SCHEMA), true).minLength();
        // completions: a two-token prompt leaves most of the model's 128-token context to the value
        for (int maxTokens : new int[] {shortest, shortest + 10, 120}) {
            for (int seed = 1; seed <= 4; seed++) {
                String body = "{\"model\":\"stories\",\"prompt\":\"Once\",\"temperature\":1,\"seed\":" + seed
                        + ",\"max_tokens\":" + maxTokens + format(SCHEMA, seed % 2 == 0) + "%s}";
                JsonNode r = JSON.readTree(
                        call("/v1/completions", body.formatted("")).bufferedBody());
                String text = r.get("choices").get(0).get("text").asText();
                String where = "max_tokens " + maxTokens + " seed " + seed + ": " + text;
                Set<ValidationMessage> errors = validator.validate(JSON.readTree(text));
                assertTrue(errors.isEmpty(), where + " " + errors);
                assertTrue(r.get("usage").get("completion_tokens").asInt() <= maxTokens, where);
                assertTrue(text.startsWith("{\"name\":"), "properties in schema order: " + where);
                StringBuilder streamed = new StringBuilder();
                for (JsonNode chunk :
                        InferenceApiTest.events(call("/v1/completions", body.formatted(",\"stream\":true")))) {
                    streamed.append(chunk.get("choices").get(0).path("text").asText(""));
                }
                assertEquals(text, streamed.toString(), "the stream writes the same value: " + where);
            }
        }
        // chat: the template's prompt is longer; the value gets the rest of the context
        for (int seed = 1; seed <= 4; seed++) {
            String extra = ",\"temperature\":1,\"seed\":" + seed + format(SCHEMA, true);
            JsonNode r = JSON.readTree(call("/v1/chat/completions", chat(extra)).bufferedBody());
            String content =
                    r.get("choices").get(0).get("message").get("content").asText();
            assertTrue(validator.validate(JSON.readTree(content)).isEmpty(), "seed " + seed + ": " + content);
            StringBuilder streamed = new StringBuilder();
            for (JsonNode chunk :
                    InferenceApiTest.events(call("/v1/chat/completions", chat(extra + ",\"stream\":true")))) {
                streamed.append(
                        chunk.get("choices").get(0).get("delta").path("content").asText(""));
            }
            assertEquals(content, streamed.toString(), "seed " + seed);
        }
    }

    @Test
    void aPydanticStyleSchemaWithDefsRefsAndAnyOfValidatesToo() throws Exception {
        String schema = dev.abi.inference.schema.SchemaPrefixTestAccess.PYDANTIC;
        JsonSchema validator =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JSON.readTree(schema));
        for (int seed = 1; seed <= 4; seed++) {
            JsonNode r = JSON.readTree(call(
                            "/v1/completions",
                            "{\"model\":\"stories\",\"prompt\":\"Once\","
                                    + "\"max_tokens\":120,\"temperature\":1,\"seed\":" + seed + format(schema, true)
                                    + "}")
                    .bufferedBody());
            String text = r.get("choices").get(0).get("text").asText();
            assertTrue(validator.validate(JSON.readTree(text)).isEmpty(), "seed " + seed + ": " + text);
        }
    }

    /** A stop sequence the model spells over several tokens inside a string must not cut the value. */
    @Test
    void aStopSequenceNeverCutsTheValue() throws Exception {
        JsonSchema validator =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JSON.readTree(SCHEMA));
        for (int seed = 1; seed <= 6; seed++) {
            JsonNode r = JSON.readTree(call(
                            "/v1/completions",
                            "{\"model\":\"stories\",\"prompt\":\"Once\","
                                    + "\"max_tokens\":120,\"temperature\":1,\"seed\":" + seed
                                    + ",\"stop\":[\"the\",\"a \"]"
                                    + format(SCHEMA, true) + "}")
                    .bufferedBody());
            String text = r.get("choices").get(0).get("text").asText();
            assertTrue(!text.contains("the") && !text.contains("a "), text);
            assertTrue(validator.validate(JSON.readTree(text)).isEmpty(), "seed " + seed + ": " + text);
        }
    }

    /** The budget check counts one token per character still needed: 5 tokens cannot hold a value of 65 characters. */
    @Test
    void aBudgetTooSmallForAnyMatchingValueEndsEmptyWithLength() throws Exception {
        JsonNode r = JSON.readTree(call(
                        "/v1/completions",
                        "{\"model\":\"stories\",\"prompt\":\"Once\"," + "\"temperature\":1,\"seed\":1,\"max_tokens\":5"
                                + format(SCHEMA, true) + "}")
                .bufferedBody());
        assertEquals("", r.get("choices").get(0).get("text").asText());
        assertEquals("length", r.get("choices").get(0).get("finish_reason").asText());
        assertEquals(0, r.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void aSchemaOutsideTheSubsetIsA400NamingItsKeyword() throws Exception {
        String withPattern = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"pattern\":\"^A\"}},"
                + "\"required\":[\"name\"],\"additionalProperties\":false}";
        String withRef = "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/a\"}}}";
        String withOneOf = "{\"type\":\"object\",\"properties\":{\"a\":{\"oneOf\":[{\"type\":\"string\"}]}}}";
        String notStrict = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[]}";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("response_format.json_schema.schema.properties.name.pattern", format(withPattern, true));
        cases.put("response_format.json_schema.schema.properties.a.$ref", format(withRef, false));
        cases.put("response_format.json_schema.schema.properties.a.oneOf", format(withOneOf, false));
        cases.put("response_format.json_schema.schema.additionalProperties", format(notStrict, true));
        cases.put("response_format.json_schema.schema.type", format("{\"type\":\"array\",\"items\":{}}", false));
        cases.put(
                "response_format.json_schema.name",
                ",\"response_format\":{\"type\":\"json_schema\"," + "\"json_schema\":{\"schema\":" + notStrict + "}}");
        cases.put(
                "response_format.json_schema.strict",
                ",\"response_format\":{\"type\":\"json_schema\","
                        + "\"json_schema\":{\"name\":\"a\",\"strict\":\"yes\",\"schema\":" + notStrict + "}}");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse r = call("/v1/chat/completions", chat(c.getValue()));
            assertEquals(400, r.status(), c.getKey() + ": " + r.bodyText());
            JsonNode error = JSON.readTree(r.bufferedBody()).get("error");
            assertEquals(c.getKey(), error.get("param").asText(), r.bodyText());
            assertEquals("invalid_request_error", error.get("type").asText());
        }
        HttpResponse pattern = call("/v1/chat/completions", chat(format(withPattern, true)));
        assertEquals(
                "response_format.json_schema.schema.properties.name.pattern keyword 'pattern' is not supported;"
                        + " supported: type, properties, required, additionalProperties (false), enum, const, items, minItems,"
                        + " maxItems, anyOf, $ref, $defs",
                JSON.readTree(pattern.bufferedBody())
                        .get("error")
                        .get("message")
                        .asText());
    }
}
