package dev.abi.namespace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.store.CorruptObjectException;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectNotFoundException;
import dev.abi.store.ObjectStore;
import dev.abi.store.PreconditionFailedException;
import dev.abi.store.StoredObject;
import dev.abi.vector.Metric;
import dev.abi.vector.VectorIndex;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The foundation's durable layout: each committed version is one immutable snapshot object, and a pointer object
 * names the current one.
 * <pre>
 * ns/{ns}/head.json                    pointer, replaced only with putIfMatch (created with putIfAbsent)
 * ns/{ns}/snapshots/{version:020}-{random}.bin  immutable snapshot, created with putIfAbsent
 * </pre>
 * A write is acknowledged only after the pointer moved. The snapshot a pointer leaves behind is deleted afterwards;
 * a reader that raced it rereads the pointer. Each commit rewrites the whole namespace, which is fine for the
 * small namespaces of the foundation; the commit log of DESIGN-STORAGE.md replaces this class for real workloads.
 */
public final class SnapshotNamespaceStore implements NamespaceStore {

    private static final String ROOT = "ns/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final ObjectStore objects;
    private final Clock clock;

    public SnapshotNamespaceStore(ObjectStore objects) {
        this(objects, Clock.systemUTC());
    }

    public SnapshotNamespaceStore(ObjectStore objects, Clock clock) {
        this.objects = objects;
        this.clock = clock;
    }

    @Override
    public List<String> list() {
        Set<String> names = new TreeSet<>();
        for (ObjectInfo info : objects.list(ROOT)) {
            String rest = info.key().substring(ROOT.length());
            if (rest.endsWith("/head.json") && rest.indexOf('/') == rest.length() - "/head.json".length()) {
                names.add(rest.substring(0, rest.indexOf('/')));
            }
        }
        return List.copyOf(names);
    }

    @Override
    public Optional<NamespaceHead> head(String namespace) {
        return objects.get(headKey(namespace)).map(o -> parseHead(namespace, o));
    }

    @Override
    public VectorIndex load(NamespaceHead head) {
        StoredObject snapshot = objects.get(head.snapshotKey())
                .orElseThrow(() -> new ObjectNotFoundException(head.snapshotKey()));
        return SnapshotCodec.decode(head.snapshotKey(), snapshot.bytes());
    }

    @Override
    public NamespaceHead create(String namespace, int dimension, Metric metric) {
        String snapshotKey = snapshotKey(namespace, 0);
        byte[] empty = SnapshotCodec.encode(dimension, metric, 0, null, List.of(), Set.of());
        objects.putIfAbsent(snapshotKey, empty);
        NamespaceHead head = new NamespaceHead(namespace, dimension, metric, 0, clock.millis(), 0, snapshotKey, null);
        String etag = objects.putIfAbsent(headKey(namespace), headJson(head));
        return withEtag(head, etag);
    }

    @Override
    public NamespaceHead commit(NamespaceHead previous, VectorIndex current, Collection<VectorRecord> upserts,
                                Set<String> deletes) {
        long version = previous.version() + 1;
        String snapshotKey = snapshotKey(previous.name(), version);
        byte[] snapshot = SnapshotCodec.encode(previous.dimension(), previous.metric(), version, current, upserts,
                deletes);
        objects.putIfAbsent(snapshotKey, snapshot);
        int count = countOf(snapshot);
        // Commit times strictly increase even when clocks disagree.
        long commitTs = Math.max(clock.millis(), previous.commitTs() + 1);
        NamespaceHead next = new NamespaceHead(previous.name(), previous.dimension(), previous.metric(), version,
                commitTs, count, snapshotKey, null);
        String etag;
        try {
            etag = objects.putIfMatch(headKey(previous.name()), headJson(next), previous.etag());
        } catch (PreconditionFailedException e) {
            objects.delete(snapshotKey); // ours alone: no pointer ever named it
            throw new CommitConflictException(previous.name(), previous.version());
        }
        objects.delete(previous.snapshotKey());
        return withEtag(next, etag);
    }

    @Override
    public void delete(String namespace) {
        objects.delete(headKey(namespace));
        for (ObjectInfo info : objects.list(ROOT + namespace + "/")) {
            objects.delete(info.key());
        }
    }

    private static int countOf(byte[] snapshot) {
        return java.nio.ByteBuffer.wrap(snapshot).getInt(8 + 4 + 1 + 8);
    }

    private static String headKey(String namespace) {
        return ROOT + namespace + "/head.json";
    }

    private static String snapshotKey(String namespace, long version) {
        // The random suffix gives each writer its own snapshot object, so racing writers never touch each other's.
        return ROOT + namespace + "/snapshots/" + String.format("%020d", version) + "-"
                + Long.toHexString(RANDOM.nextLong()) + ".bin";
    }

    private static NamespaceHead withEtag(NamespaceHead h, String etag) {
        return new NamespaceHead(h.name(), h.dimension(), h.metric(), h.version(), h.commitTs(), h.count(),
                h.snapshotKey(), etag);
    }

    private static byte[] headJson(NamespaceHead h) {
        ObjectNode node = JSON.createObjectNode()
                .put("format", 1)
                .put("name", h.name())
                .put("dimension", h.dimension())
                .put("metric", h.metric().wireName())
                .put("version", h.version())
                .put("commitTs", h.commitTs())
                .put("count", h.count())
                .put("snapshot", h.snapshotKey());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static NamespaceHead parseHead(String namespace, StoredObject o) {
        String key = headKey(namespace);
        try {
            var node = JSON.readTree(o.bytes());
            return new NamespaceHead(namespace, node.required("dimension").asInt(),
                    Metric.fromWireName(node.required("metric").asText()), node.required("version").asLong(),
                    node.required("commitTs").asLong(), node.required("count").asInt(),
                    node.required("snapshot").asText(), o.etag());
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptObjectException(key, "namespace pointer is malformed: " + e.getMessage());
        }
    }
}
