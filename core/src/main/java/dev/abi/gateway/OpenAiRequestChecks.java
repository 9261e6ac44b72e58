package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.inference.TokenConstraint;
import dev.abi.inference.schema.SchemaCompiler;
import dev.abi.inference.schema.SchemaConstraint;
import dev.abi.inference.schema.SchemaNode;
import dev.abi.inference.schema.UnsupportedSchemaException;
import java.util.List;

/**
 * What the completion routes refuse before any work, the way OpenAI's API checks it: parameters out of OpenAI's
 * ranges, and parameters this server does not implement. Each is a 400 in OpenAI's error shape naming the parameter,
 * never a silent ignore.
 */
final class OpenAiRequestChecks {

    /** Parameters that change what OpenAI would answer and that this server does not implement. */
    private static final List<String> UNSUPPORTED =
            List.of("tools", "tool_choice", "functions", "function_call", "parallel_tool_calls", "audio", "prediction");

    private OpenAiRequestChecks() {}

    /** @throws ValidationException naming the first offending parameter */
    static void check(JsonNode body) {
        range(body, "temperature", 0, 2);
        range(body, "top_p", 0, 1);
        range(body, "frequency_penalty", -2, 2);
        range(body, "presence_penalty", -2, 2);
        for (String name : UNSUPPORTED) {
            if (body.hasNonNull(name)) {
                throw new ValidationException(name, "is not supported by this server");
            }
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.intValue() == 1)) {
            throw new ValidationException("n", "only n = 1 is supported");
        }
        JsonNode modalities = body.get("modalities");
        if (modalities != null
                && !modalities.isNull()
                && !(modalities.isArray()
                        && modalities.size() == 1
                        && "text".equals(modalities.get(0).asText()))) {
            throw new ValidationException("modalities", "only [\"text\"] is supported by this server");
        }
    }

    /**
     * How many alternatives to report with each token's log probability, or -1 for no log probabilities. Chat takes
     * {@code logprobs} (a boolean) and {@code top_logprobs} (0..20, only with {@code logprobs}); completions take
     * {@code logprobs} as that count (0..5). Streamed, each chunk carries the log probabilities of its tokens.
     */
    static int topLogprobs(JsonNode body, boolean chat) {
        JsonNode lp = body.get("logprobs");
        JsonNode top = body.get("top_logprobs");
        boolean wanted = lp != null && !lp.isNull() && !(lp.isBoolean() && !lp.booleanValue());
        if (!chat && top != null && !top.isNull()) {
            throw new ValidationException("top_logprobs", "is a chat parameter; completions take logprobs: N");
        }
        if (chat && !wanted && top != null && !top.isNull()) {
            throw new ValidationException("top_logprobs", "needs logprobs: true");
        }
        if (!wanted) {
            return -1;
        }
        if (chat) {
            if (!lp.isBoolean()) {
                throw new ValidationException("logprobs", "must be true or false");
            }
            return JsonBodies.intInRange(body, "top_logprobs", "top_logprobs", 0, 0, 20);
        }
        return JsonBodies.intInRange(body, "logprobs", "logprobs", 0, 0, 5);
    }

    /**
     * The constraint that {@code response_format} asks for, or null for plain text ({@code text} or none):
     * {@code json_object} is JSON mode, {@code json_schema} structured outputs, with {@code json_schema.name} (1 to
     * 64 of {@code [A-Za-z0-9_-]}), {@code json_schema.schema} in the subset {@link SchemaCompiler} takes and an
     * optional boolean {@code json_schema.strict}.
     *
     * @throws ValidationException naming the offending field, down to the schema keyword
     *     ({@code response_format.json_schema.schema.properties.name.pattern})
     */
    static TokenConstraint.Factory responseFormat(JsonNode body) {
        JsonNode format = body.get("response_format");
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject()) {
            throw new ValidationException("response_format", "must be an object with a type");
        }
        String type = format.path("type").asText("");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> TokenConstraint.jsonObject();
            case "json_schema" -> SchemaConstraint.of(schema(format.get("json_schema")));
            default ->
                throw new ValidationException(
                        "response_format.type",
                        "'" + type + "' is not supported;" + " use \"text\", \"json_object\" or \"json_schema\"");
        };
    }

    private static SchemaNode schema(JsonNode spec) {
        String at = "response_format.json_schema";
        if (spec == null || !spec.isObject()) {
            throw new ValidationException(at, "must be an object with name and schema");
        }
        JsonNode name = spec.get("name");
        if (name == null || !name.isTextual() || !name.textValue().matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ValidationException(at + ".name", "must be 1 to 64 letters, digits, '_' or '-'");
        }
        JsonNode strict = spec.get("strict");
        if (strict != null && !strict.isNull() && !strict.isBoolean()) {
            throw new ValidationException(at + ".strict", "must be true or false");
        }
        if (!spec.hasNonNull("schema")) {
            throw new ValidationException(at + ".schema", "is required on this server");
        }
        try {
            return SchemaCompiler.compile(spec.get("schema"), strict != null && strict.asBoolean(false));
        } catch (UnsupportedSchemaException e) {
            throw new ValidationException(e.path().isEmpty() ? at + ".schema" : at + ".schema." + e.path(), e.reason());
        }
    }

    private static void range(JsonNode body, String name, double min, double max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber() || Double.isNaN(v.doubleValue()) || v.doubleValue() < min || v.doubleValue() > max) {
            throw new ValidationException(name, "must be a number between " + fmt(min) + " and " + fmt(max));
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * The text of a message's {@code content}: a string, or an array of {@code {"type":"text","text"}} parts joined
     * without separator (as OpenAI concatenates them).
     *
     * @param path the field's path, {@code messages[i].content}
     * @throws ValidationException naming the part for an image, audio or file part, or a malformed one
     */
    static String content(JsonNode content, String path) {
        if (content != null && content.isTextual()) {
            return content.textValue();
        }
        if (content == null || !content.isArray() || content.isEmpty()) {
            throw new ValidationException(path, "must be a string or a non-empty array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText("");
            if (!type.equals("text")) {
                throw new ValidationException(
                        path + "[" + j + "].type", "'" + type + "' parts are not supported;" + " only text parts are");
            }
            if (!part.path("text").isTextual()) {
                throw new ValidationException(path + "[" + j + "].text", "must be a string");
            }
            text.append(part.get("text").textValue());
        }
        return text.toString();
    }
}
