package dev.abi.vector;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * A node's attributes as a segment ({@link HnswSegments}) stored them: JSON bytes in the segment's attribute column,
 * parsed on first use (a filter or a read), so opening a segment does not parse every node's attributes. The bytes
 * are kept, so writing the segment again gives the same bytes.
 */
final class RawAttributes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final String segment;
    private final byte[] column;
    private final int from;
    private final int length;
    private volatile Map<String, Object> parsed;

    RawAttributes(String segment, byte[] column, int from, int length) {
        this.segment = segment;
        this.column = column;
        this.from = from;
        this.length = length;
    }

    byte[] json() {
        return Arrays.copyOfRange(column, from, from + length);
    }

    Map<String, Object> map() {
        Map<String, Object> m = parsed;
        if (m == null) {
            m = parse(segment, column, from, length);
            parsed = m;
        }
        return m;
    }

    /** A node's attributes as an index holds them: a map, or a segment's raw JSON. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> of(Object attributes) {
        return attributes instanceof RawAttributes raw ? raw.map() : (Map<String, Object>) attributes;
    }

    /**
     * One node's attributes from a segment's attribute column.
     *
     * @throws CorruptSegmentException naming the segment when the bytes are not a JSON object of values
     */
    static Map<String, Object> parse(String segment, byte[] column, int from, int length) {
        if (length == 0) {
            return Map.of();
        }
        try {
            return Map.copyOf(JSON.readValue(column, from, length, MAP));
        } catch (IOException | RuntimeException e) {
            throw new CorruptSegmentException(segment, "attributes are not a JSON object of values: " + e.getMessage());
        }
    }
}
