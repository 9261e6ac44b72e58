package dev.abi.store;

import java.util.Map;

/**
 * One operation of a write batch: an upsert (values and attributes) or, when {@code values} is null, a delete.
 */
public record Operation(String id, float[] values, Map<String, Object> attributes) {

    public static Operation upsert(String id, float[] values, Map<String, Object> attributes) {
        return new Operation(id, values, attributes == null ? Map.of() : attributes);
    }

    public static Operation delete(String id) {
        return new Operation(id, null, Map.of());
    }

    public boolean isDelete() {
        return values == null;
    }
}
