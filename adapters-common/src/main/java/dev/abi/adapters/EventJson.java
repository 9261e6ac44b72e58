package dev.abi.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reading provider event JSON with errors that name the field ({@link MalformedEventException}). */
public final class EventJson {

    /** One shared mapper: provider payloads are plain JSON. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {}

    public static JsonNode parse(InputStream in) {
        try {
            JsonNode node = MAPPER.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw new MalformedEventException("event", "is empty");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedEventException("event", "is not JSON (" + firstLine(e.getMessage()) + ")");
        }
    }

    public static JsonNode parse(String json, String path) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new MalformedEventException(path, "is empty");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedEventException(path, "is not JSON (" + firstLine(e.getMessage()) + ")");
        }
    }

    /** A required object member. */
    public static JsonNode object(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw new MalformedEventException(path + field, "must be an object");
        }
        return n;
    }

    /** A required non-empty string member. */
    public static String text(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
            throw new MalformedEventException(path + field, "must be a non-empty string");
        }
        return n.textValue();
    }

    /** An optional string member (numbers are given as their text); null when absent or null. */
    public static String optText(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : null;
    }

    /** An optional size: a number or a numeric string (GCS sends sizes as strings); -1 when absent. */
    public static long size(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return -1;
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        try {
            return Long.parseLong(n.asText());
        } catch (NumberFormatException e) {
            throw new MalformedEventException(path + field, "must be a whole number of bytes");
        }
    }

    /** A required ISO-8601 time. */
    public static Instant time(JsonNode parent, String field, String path) {
        String t = text(parent, field, path);
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new MalformedEventException(path + field, "must be an ISO-8601 time, not '" + t + "'");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
