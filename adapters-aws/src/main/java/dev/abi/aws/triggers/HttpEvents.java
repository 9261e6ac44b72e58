package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.adapters.MalformedEventException;
import dev.abi.gateway.HttpResponse;
import dev.abi.gateway.ProblemMapper;
import dev.abi.gateway.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** What the HTTP triggers share: header and query maps, the body, and the reply body. */
final class HttpEvents {

    private HttpEvents() {}

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }

    static Map<String, String> joinedMultiMap(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getValue().isArray() && !e.getValue().isEmpty()) {
                    StringBuilder b = new StringBuilder();
                    e.getValue().forEach(v -> b.append(b.isEmpty() ? "" : ",").append(v.asText()));
                    out.put(e.getKey(), b.toString());
                }
            });
        }
        return out;
    }

    static Map<String, String> firstOfMultiMap(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getValue().isArray() && !e.getValue().isEmpty()) {
                    out.put(e.getKey(), e.getValue().get(0).asText());
                }
            });
        }
        return out;
    }

    static byte[] body(JsonNode event) {
        JsonNode body = event.get("body");
        if (body == null || body.isNull()) {
            return new byte[0];
        }
        if (!body.isTextual()) {
            throw new MalformedEventException("body", "must be a string");
        }
        if (event.path("isBase64Encoded").asBoolean(false)) {
            try {
                return Base64.getDecoder().decode(body.textValue());
            } catch (IllegalArgumentException e) {
                throw new MalformedEventException("body", "is flagged isBase64Encoded but is not base64");
            }
        }
        return body.textValue().getBytes(StandardCharsets.UTF_8);
    }

    /** The proxy reply both payload formats share: status, headers, body. */
    static ObjectNode reply(HttpResponse response) {
        ObjectNode reply = dev.abi.adapters.EventJson.MAPPER.createObjectNode();
        reply.put("statusCode", response.status());
        reply.set("headers", dev.abi.adapters.EventJson.MAPPER.valueToTree(response.headers()));
        putBody(reply, response);
        return reply;
    }

    /** Text bodies as they are; anything else base64, as API Gateway expects binary replies. */
    private static void putBody(ObjectNode reply, HttpResponse response) {
        byte[] body = response.bufferedBody();
        String type = response.headers().getOrDefault("Content-Type", "");
        boolean text = type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml");
        reply.put(
                "body",
                text
                        ? new String(body, StandardCharsets.UTF_8)
                        : Base64.getEncoder().encodeToString(body));
        reply.put("isBase64Encoded", !text);
    }

    static HttpResponse malformed(MalformedEventException e) {
        return ProblemMapper.toResponse(new ValidationException(e.field(), e.getMessage()));
    }
}
