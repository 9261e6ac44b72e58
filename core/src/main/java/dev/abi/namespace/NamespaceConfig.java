package dev.abi.namespace;

import dev.abi.store.Checksums;
import dev.abi.store.CorruptObjectException;
import dev.abi.vector.Metric;

/**
 * {@code namespaces/{name}.json}, created if absent: the namespace's shape, creation time, and incarnation. Its data
 * lives under {@code ns/{name}/{incarnation}/}, so a namespace deleted and created again never sees the old one's
 * objects, even while they are still being removed.
 */
public record NamespaceConfig(String name, int dimension, Metric metric, String incarnation, long createdTs) {

    public static String key(String name) {
        return "namespaces/" + name + ".json";
    }

    /** The prefix of every object of this incarnation, ending in {@code /}. */
    public String root() {
        return "ns/" + name + "/" + incarnation + "/";
    }

    byte[] toJson() {
        return Checksums.sealJson(Checksums.newJson().put("name", name).put("dimension", dimension)
                .put("metric", metric.wireName()).put("incarnation", incarnation).put("createdTs", createdTs));
    }

    static NamespaceConfig fromJson(String name, byte[] bytes) {
        String key = key(name);
        var n = Checksums.openJson(key, bytes);
        try {
            return new NamespaceConfig(name, n.required("dimension").asInt(),
                    Metric.fromWireName(n.required("metric").asText()), n.required("incarnation").asText(),
                    n.required("createdTs").asLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(key, "malformed namespace config: " + e.getMessage());
        }
    }
}
