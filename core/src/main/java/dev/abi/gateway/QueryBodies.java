package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.namespace.Consistency;
import dev.abi.vector.Filter;
import dev.abi.vector.FilterParser;

/**
 * Reads one query object of a query body (the whole body, or an element of {@code queries}): exactly one of
 * {@code vector}, {@code text} (with an optional {@code model}) and {@code id}, plus {@code topK}, {@code filter},
 * {@code includeValues} and {@code includeAttributes}. Every error names the field with its path.
 */
final class QueryBodies {

    /** Most queries in one {@code queries} request. */
    static final int MAX_QUERIES = 100;

    /**
     * One parsed query; exactly one of {@code vector}, {@code text} and {@code id} is set.
     *
     * @param model the embedding model of a text query, or null
     */
    record Spec(
            float[] vector,
            String text,
            String model,
            String id,
            int topK,
            Filter filter,
            boolean includeValues,
            boolean includeAttributes) {}

    private QueryBodies() {}

    /**
     * The optional {@code consistency} of a query body, {@code "strong"} or {@code "eventual"}; null when absent
     * (the deployment's default, {@code abi.read.consistency}).
     *
     * @throws ValidationException naming {@code consistency} for any other value
     */
    static Consistency consistency(JsonNode body) {
        JsonNode c = body.get("consistency");
        if (c == null || c.isNull()) {
            return null;
        }
        try {
            return Consistency.fromWireName(c.isTextual() ? c.textValue() : c.toString());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("consistency", e.getMessage());
        }
    }

    /**
     * @param prefix the path of {@code q} in the body, ending in a dot ({@code "queries[2]."}), or "" for the body
     */
    static Spec parse(JsonNode q, String prefix, Limits limits) {
        int given = (q.hasNonNull("vector") ? 1 : 0) + (q.hasNonNull("text") ? 1 : 0) + (q.hasNonNull("id") ? 1 : 0);
        if (given != 1) {
            throw new ValidationException(prefix + "vector", "give exactly one of \"vector\", \"text\" and \"id\"");
        }
        float[] vector = q.hasNonNull("vector") ? JsonBodies.vector(q.get("vector"), prefix + "vector", limits) : null;
        String id = q.hasNonNull("id") ? JsonBodies.requiredId(q, "id", prefix + "id", limits) : null;
        String text = null;
        if (q.hasNonNull("text")) {
            JsonNode t = q.get("text");
            if (!t.isTextual() || t.textValue().isBlank()) {
                throw new ValidationException(prefix + "text", "must be a non-empty string");
            }
            text = t.textValue();
        }
        JsonNode m = q.get("model");
        if (m != null && !m.isNull() && (!m.isTextual() || m.textValue().isEmpty())) {
            throw new ValidationException(prefix + "model", "must be a non-empty string");
        }
        int topK = JsonBodies.intInRange(q, "topK", prefix + "topK", 10, 1, limits.maxTopK());
        boolean values = JsonBodies.bool(q, "includeValues", prefix + "includeValues", false);
        boolean attributes = JsonBodies.bool(q, "includeAttributes", prefix + "includeAttributes", false);
        JsonNode f = q.get("filter");
        Filter filter = f == null || f.isNull() ? Filter.ALL : FilterParser.parse(JsonBodies.plain(f));
        return new Spec(
                vector, text, m == null || m.isNull() ? null : m.textValue(), id, topK, filter, values, attributes);
    }
}
