package dev.abi.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads request bodies into JSON trees and typed values, throwing {@link ValidationException} naming the field for
 * every malformed or out-of-range value. {@code NaN} and {@code Infinity} tokens are parsed (rather than rejected as
 * malformed JSON) so that the error can name the vector element that holds them.
 */
final class JsonBodies {

    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_STRING_LENGTH = 1 << 20;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .build());
    }

    private JsonBodies() {}

    static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new ValidationException("body", "is empty; a JSON object is required");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ValidationException("body", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ValidationException("body", "cannot be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ValidationException("body", "must be a JSON object");
        }
        return node;
    }

    static JsonNode required(JsonNode parent, String name, String path) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            throw new ValidationException(path, "is required");
        }
        return n;
    }

    static String requiredId(JsonNode parent, String name, String path, Limits limits) {
        JsonNode n = required(parent, name, path);
        if (!n.isTextual()) {
            throw new ValidationException(path, "must be a string");
        }
        return checkId(n.textValue(), path, limits);
    }

    static String checkId(String id, String path, Limits limits) {
        if (id.isEmpty()) {
            throw new ValidationException(path, "must not be empty");
        }
        requireWellFormed(id, path);
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxIdBytes()) {
            throw new ValidationException(path, "is " + bytes + " bytes; the limit is " + limits.maxIdBytes());
        }
        return id;
    }

    static float[] vector(JsonNode n, String path, Limits limits) {
        if (n == null || n.isNull()) {
            throw new ValidationException(path, "is required");
        }
        if (!n.isArray()) {
            throw new ValidationException(path, "must be an array of numbers");
        }
        if (n.isEmpty()) {
            throw new ValidationException(path, "must not be empty");
        }
        if (n.size() > limits.maxDimension()) {
            throw new ValidationException(
                    path, "has " + n.size() + " dimensions; the limit is " + limits.maxDimension());
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = n.get(i);
            if (!e.isNumber()) {
                throw new ValidationException(path + "[" + i + "]", "must be a number");
            }
            double d = e.doubleValue();
            float f = (float) d;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new ValidationException(path + "[" + i + "]", "must be a finite number, got " + d);
            }
            if (Float.isInfinite(f)) {
                throw new ValidationException(path + "[" + i + "]", "is outside the float32 range");
            }
            out[i] = f;
        }
        return out;
    }

    static int intInRange(JsonNode parent, String name, String path, int defaultValue, int min, int max) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ValidationException(path, "must be an integer between " + min + " and " + max);
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw new ValidationException(path, "must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    static boolean bool(JsonNode parent, String name, String path, boolean defaultValue) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isBoolean()) {
            throw new ValidationException(path, "must be true or false");
        }
        return n.booleanValue();
    }

    /** Most attributes one vector may carry. */
    static final int MAX_ATTRIBUTES = 256;
    /** Longest attribute name, in UTF-8 bytes. */
    static final int MAX_ATTRIBUTE_NAME_BYTES = 256;

    /**
     * Text must be well-formed UTF-16 (no lone surrogate): stored as UTF-8, a lone surrogate would become {@code ?}
     * and two different ids would collide.
     */
    static String requireWellFormed(String text, String path) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new ValidationException(
                        path, "holds a lone UTF-16 surrogate at index " + i + "; send well-formed Unicode");
            }
        }
        return text;
    }

    /**
     * Attributes: an object whose values are strings, numbers, booleans, or arrays of those; at most {@link
     * #MAX_ATTRIBUTES} names of at most {@link #MAX_ATTRIBUTE_NAME_BYTES} bytes.
     */
    static Map<String, Object> attributes(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw new ValidationException(path, "must be an object");
        }
        if (n.size() > MAX_ATTRIBUTES) {
            throw new ValidationException(path, "has " + n.size() + " attributes; the limit is " + MAX_ATTRIBUTES);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String fieldPath = path + "." + e.getKey();
            requireWellFormed(e.getKey(), path);
            if (e.getKey().isEmpty() || e.getKey().getBytes(StandardCharsets.UTF_8).length > MAX_ATTRIBUTE_NAME_BYTES) {
                throw new ValidationException(
                        path, "attribute names must be 1 to " + MAX_ATTRIBUTE_NAME_BYTES + " bytes");
            }
            JsonNode v = e.getValue();
            if (v.isArray()) {
                List<Object> list = new ArrayList<>(v.size());
                for (int i = 0; i < v.size(); i++) {
                    list.add(scalar(v.get(i), fieldPath + "[" + i + "]"));
                }
                out.put(e.getKey(), List.copyOf(list));
            } else {
                out.put(e.getKey(), scalar(v, fieldPath));
            }
        }
        return out;
    }

    /** Any JSON value as plain Java (maps, lists, strings, numbers, booleans, null), for the filter parser. */
    static Object plain(JsonNode n) {
        return MAPPER.convertValue(n, Object.class);
    }

    private static Object scalar(JsonNode v, String path) {
        if (v.isTextual()) {
            return requireWellFormed(v.textValue(), path);
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber() && Double.isFinite(v.doubleValue())) {
            return v.doubleValue();
        }
        throw new ValidationException(path, "must be a string, a finite number, a boolean, or an array of those");
    }
}
