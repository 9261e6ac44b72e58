package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the completion routes refuse before any work, the way OpenAI's API checks it: parameters out of OpenAI's
 * ranges, and parameters this server does not implement. Each is a 400 in OpenAI's error shape naming the parameter,
 * never a silent ignore.
 */
final class OpenAiRequestChecks {

    /** Parameters that change what OpenAI would answer and that this server does not implement. */
    private static final List<String> UNSUPPORTED = List.of("tools", "tool_choice", "functions", "function_call",
            "parallel_tool_calls", "audio", "prediction");

    private OpenAiRequestChecks() {
    }

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
        if (modalities != null && !modalities.isNull()
                && !(modalities.isArray() && modalities.size() == 1 && "text".equals(modalities.get(0).asText()))) {
            throw new ValidationException("modalities", "only [\"text\"] is supported by this server");
        }
    }

    /**
     * How many alternatives to report with each token's log probability, or -1 for no log probabilities. Chat takes
     * {@code logprobs} (a boolean) and {@code top_logprobs} (0..20, only with {@code logprobs}); completions take
     * {@code logprobs} as that count (0..5). Not with {@code stream}.
     */
    static int topLogprobs(JsonNode body, boolean chat, boolean stream) {
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
        if (stream) {
            throw new ValidationException("logprobs", "is not supported with stream on this server");
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
     * Whether {@code response_format} asks for JSON mode ({@code {"type":"json_object"}}); {@code text} or none is
     * plain text.
     *
     * @throws ValidationException naming {@code response_format} for {@code json_schema} (not built) and anything else
     */
    static boolean jsonObject(JsonNode body) {
        JsonNode format = body.get("response_format");
        if (format == null || format.isNull()) {
            return false;
        }
        String type = format.path("type").asText("");
        return switch (type) {
            case "text" -> false;
            case "json_object" -> true;
            default -> throw new ValidationException("response_format", "type '" + type + "' is not supported by"
                    + " this server; use \"text\" or \"json_object\"");
        };
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
                throw new ValidationException(path + "[" + j + "].type", "'" + type + "' parts are not supported;"
                        + " only text parts are");
            }
            if (!part.path("text").isTextual()) {
                throw new ValidationException(path + "[" + j + "].text", "must be a string");
            }
            text.append(part.get("text").textValue());
        }
        return text.toString();
    }
}
