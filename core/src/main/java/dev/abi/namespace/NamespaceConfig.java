package dev.abi.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.store.Checksums;
import dev.abi.store.CorruptObjectException;
import dev.abi.vector.Metric;

/**
 * {@code namespaces/{name}.json}, created if absent: the namespace's shape, creation time, and incarnation. Its data
 * lives under {@code ns/{name}/{incarnation}/}, so a namespace deleted and created again never sees the old one's
 * objects, even while they are still being removed.
 *
 * <p>Two fields change after creation, always with compare-and-swap on the object's etag: {@code hold}, set while
 * the head is unreadable (writes are refused; see {@link NamespaceRepair}), and {@code repairs}, counted up by every
 * repair. Every write reads this object anyway, so both cost no extra request. Reads of the current state do not
 * read it (they check only the log, {@code LiveStates}): a repair also commits a restore to the head so that they
 * rebuild, and a read lists the log and reads this object again at least every {@code ReadPolicy.fullCheckEvery}.
 *
 * <p>A third, {@code embeddingModel}, is set once: by the first documents upsert (or a create naming it), and never
 * changed after. Setting it makes a new config, so each instance rebuilds its cached state once.
 *
 * @param hold the unreadable entry that holds writes, or null
 * @param repairs how many repairs the namespace has had
 * @param embeddingModel the model that embeds this namespace's documents, or null while none has
 */
public record NamespaceConfig(
        String name,
        int dimension,
        Metric metric,
        String incarnation,
        long createdTs,
        Hold hold,
        long repairs,
        String embeddingModel) {

    /**
     * Why writes are held: the log entry {@code seq} cannot be read, because object {@code key} failed verification.
     *
     * @param since when the hold was set, epoch millis
     */
    public record Hold(long seq, String key, long since) {}

    /** A config without a hold or repairs: a new namespace. */
    public NamespaceConfig(String name, int dimension, Metric metric, String incarnation, long createdTs) {
        this(name, dimension, metric, incarnation, createdTs, null, 0, null);
    }

    public static String key(String name) {
        return "namespaces/" + name + ".json";
    }

    /** The prefix of every object of this incarnation, ending in {@code /}. */
    public String root() {
        return "ns/" + name + "/" + incarnation + "/";
    }

    NamespaceConfig withHold(Hold newHold) {
        return new NamespaceConfig(name, dimension, metric, incarnation, createdTs, newHold, repairs, embeddingModel);
    }

    /** After a repair: no hold, one more repair. */
    NamespaceConfig repaired() {
        return new NamespaceConfig(name, dimension, metric, incarnation, createdTs, null, repairs + 1, embeddingModel);
    }

    /** With its embedding model recorded. */
    NamespaceConfig withEmbeddingModel(String model) {
        return new NamespaceConfig(name, dimension, metric, incarnation, createdTs, hold, repairs, model);
    }

    byte[] toJson() {
        ObjectNode n = Checksums.newJson()
                .put("name", name)
                .put("dimension", dimension)
                .put("metric", metric.wireName())
                .put("incarnation", incarnation)
                .put("createdTs", createdTs);
        if (hold != null) {
            n.putObject("hold").put("seq", hold.seq()).put("key", hold.key()).put("since", hold.since());
        }
        if (repairs > 0) {
            n.put("repairs", repairs);
        }
        if (embeddingModel != null) {
            n.put("embeddingModel", embeddingModel);
        }
        return Checksums.sealJson(n);
    }

    static NamespaceConfig fromJson(String name, byte[] bytes) {
        String key = key(name);
        var n = Checksums.openJson(key, bytes);
        try {
            JsonNode h = n.get("hold");
            Hold hold = h == null || h.isNull()
                    ? null
                    : new Hold(
                            h.required("seq").asLong(),
                            h.required("key").asText(),
                            h.required("since").asLong());
            return new NamespaceConfig(
                    name,
                    n.required("dimension").asInt(),
                    Metric.fromWireName(n.required("metric").asText()),
                    n.required("incarnation").asText(),
                    n.required("createdTs").asLong(),
                    hold,
                    n.path("repairs").asLong(0),
                    n.hasNonNull("embeddingModel") ? n.get("embeddingModel").asText() : null);
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(key, "malformed namespace config: " + e.getMessage());
        }
    }
}
