package dev.abi.namespace;

import dev.abi.store.Checksums;
import dev.abi.store.CommitLog;
import dev.abi.store.CorruptObjectException;
import dev.abi.store.LogClosedException;
import dev.abi.store.LogEntry;
import dev.abi.store.Manifest;
import dev.abi.store.ManifestLog;
import dev.abi.store.MetadataStore;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectStore;
import dev.abi.store.Operation;
import dev.abi.store.PreconditionFailedException;
import dev.abi.store.StoredObject;
import dev.abi.store.WalCodec;
import dev.abi.vector.VectorIndex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One namespace's durable state on the object store: its commit log, manifests, segments and tags, and how a state
 * is rebuilt from them. The state after seq {@code s} is the newest manifest with {@code appliedThroughSeq <= s}, plus
 * the log entries after it up to {@code s}; a restore entry in that range stands for the state of its target.
 */
final class DurableNamespace {

    private static final System.Logger LOG = System.getLogger(DurableNamespace.class.getName());
    private static final int OWN_WAL_CACHE = 256;

    /** A state of the namespace: the vectors after log entry {@code seq}. */
    record State(long seq, long commitTs, VectorIndex index) {}

    /** A named, pinned version. */
    record Tag(String name, long seq, long commitTs) {}

    private final NamespaceConfig config;
    private final ObjectStore objects;
    private final CommitLog log;
    private final ManifestLog manifests;
    /** Batches this instance wrote, so replaying its own writes needs no GET. */
    private final Map<String, List<Operation>> ownWal =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<Operation>> eldest) {
                    return size() > OWN_WAL_CACHE;
                }
            });

    private final MetadataStore metadata;
    /** From this many vectors states are searched through a graph, and compactions store the graph. */
    private final int graphThreshold;

    /** From this many vectors compactions store a clustered segment. */
    private final int clusterThreshold;

    DurableNamespace(
            NamespaceConfig config, ObjectStore objects, CommitLog log, MetadataStore metadata, int graphThreshold) {
        this(config, objects, log, metadata, graphThreshold, Integer.MAX_VALUE);
    }

    DurableNamespace(
            NamespaceConfig config,
            ObjectStore objects,
            CommitLog log,
            MetadataStore metadata,
            int graphThreshold,
            int clusterThreshold) {
        this.clusterThreshold = clusterThreshold;
        this.metadata = metadata;
        this.graphThreshold = graphThreshold;
        this.config = config;
        this.objects = objects;
        this.log = log;
        this.manifests = new ManifestLog(objects, config.root());
    }

    String root() {
        return config.root();
    }

    /** The config this incarnation was opened with (name, dimension, metric, incarnation, hold). */
    NamespaceConfig config() {
        return config;
    }

    ObjectStore objects() {
        return objects;
    }

    /** The commit log: the source of truth for every version. */
    CommitLog log() {
        return log;
    }

    /** The manifests: which segments hold the log up to which seq. */
    ManifestLog manifests() {
        return manifests;
    }

    /** From this many vectors states are searched through a graph, and compactions store the graph. */
    int graphThreshold() {
        return graphThreshold;
    }

    /** From this many vectors compactions store a clustered segment (read by range) instead of a graph. */
    int clusterThreshold() {
        return clusterThreshold;
    }

    /**
     * Commits a batch.
     *
     * @throws WritesHeldException while the config holds writes (the head is unreadable)
     */
    LogEntry append(List<Operation> ops) {
        refuseWritesIfHeld();
        LogEntry e;
        try {
            e = log.append(ops);
        } catch (LogClosedException deleted) {
            throw notFound();
        }
        ownWal.put(e.walKey(), List.copyOf(ops));
        advanceHint(e.seq());
        return e;
    }

    LogEntry appendRestore(long target) {
        refuseWritesIfHeld();
        LogEntry e;
        try {
            e = log.appendRestore(target);
        } catch (LogClosedException deleted) {
            throw notFound();
        }
        advanceHint(e.seq());
        return e;
    }

    /** This incarnation was deleted: its log ends in a delete entry. */
    NamespaceNotFoundException notFound() {
        return new NamespaceNotFoundException(config.name());
    }

    /** @throws WritesHeldException while the config read for this handle holds writes */
    void refuseWritesIfHeld() {
        if (config.hold() != null) {
            throw new WritesHeldException(config.name(), config.hold());
        }
    }

    private void advanceHint(long seq) {
        try {
            metadata.advanceHeadHint(config.root(), seq);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "head hint not advanced (a cache only): " + e.getMessage());
        }
    }

    /** The newest committed entry. One LIST from the newest manifest's position plus one GET in the usual case. */
    LogEntry head() {
        long floor = manifests.newest().map(Manifest::appliedThroughSeq).orElse(0L);
        try {
            floor = Math.max(floor, metadata.headHint(config.root()).orElse(0L));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "head hint unavailable (a cache only): " + e.getMessage());
        }
        return log.newestAtOrAfter(floor + 1);
    }

    /**
     * The operations of a write entry, verified against the checksum its log entry recorded.
     *
     * @throws CorruptObjectException naming the WAL object
     */
    List<Operation> opsOf(LogEntry e) {
        if (e.kind() == LogEntry.Kind.DELETE) {
            throw notFound();
        }
        List<Operation> cached = ownWal.get(e.walKey());
        if (cached != null) {
            return cached;
        }
        StoredObject wal = objects.get(e.walKey())
                .orElseThrow(() -> new CorruptObjectException(
                        e.walKey(), e.seq(), "WAL object of log entry " + e.seq() + " is missing"));
        if (Checksums.crc32c(wal.bytes()) != e.walCrc()) {
            throw new CorruptObjectException(
                    e.walKey(),
                    e.seq(),
                    "WAL object does not match the CRC32C its log" + " entry " + e.seq() + " recorded");
        }
        try {
            return WalCodec.decode(e.walKey(), wal.bytes());
        } catch (CorruptObjectException malformed) {
            throw malformed.atSeq(e.seq());
        }
    }

    /**
     * Why the entry at {@code seq} cannot be read (its log object, or for a write its WAL object), read from the store
     * (this instance's cache of its own batches is not trusted here); empty when it verifies. A free slot is
     * reported as missing: the caller knows whether it lies inside the log.
     */
    Optional<CorruptObjectException> verify(long seq) {
        try {
            Optional<LogEntry> e = log.entry(seq);
            if (e.isEmpty()) {
                return Optional.of(new CorruptObjectException(log.logKey(seq), seq, "log slot is missing"));
            }
            if (e.get().kind() == LogEntry.Kind.WRITE) {
                ownWal.remove(e.get().walKey());
                opsOf(e.get());
            }
            return Optional.empty();
        } catch (CorruptObjectException unreadable) {
            return Optional.of(unreadable);
        }
    }

    /** Applies a write entry to {@code index}. Restore entries are handled by the caller. */
    void apply(VectorIndex index, LogEntry e) {
        Segments.apply(index, opsOf(e));
    }

    /**
     * Rebuilds the state after {@code seq}. A manifest whose segments are corrupt or missing is logged and skipped
     * for an older one (the log fills the gap), so the namespace stays readable; when none works, the first error
     * is thrown, naming the object.
     */
    State load(long seq) {
        CorruptObjectException first = null;
        for (Manifest m : manifests.candidates(seq, 4)) {
            try {
                return loadFrom(m, seq);
            } catch (CorruptObjectException e) {
                LOG.log(
                        System.Logger.Level.ERROR,
                        "namespace " + config.name() + ": manifest " + m.version() + " is unreadable (" + e.getMessage()
                                + "); falling back to an older one");
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return loadFrom(null, seq);
    }

    private State loadFrom(Manifest m, long seq) {
        long applied = m == null ? 0 : m.appliedThroughSeq();
        List<LogEntry> entries = log.entriesAfter(applied, seq);
        int lastRestore = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).kind() == LogEntry.Kind.DELETE) {
                throw notFound();
            }
            if (entries.get(i).kind() == LogEntry.Kind.RESTORE) {
                lastRestore = i;
            }
        }
        VectorIndex index;
        if (lastRestore >= 0) {
            index = load(entries.get(lastRestore).restoreTo()).index();
            entries = entries.subList(lastRestore + 1, entries.size());
        } else if (m == null) {
            index = Segments.empty(config.dimension(), config.metric(), graphThreshold);
        } else {
            index = Segments.load(objects, m.segments(), config.dimension(), config.metric(), graphThreshold, true);
        }
        for (LogEntry e : entries) {
            apply(index, e);
        }
        long commitTs = lastRestore >= 0 || !entries.isEmpty() || seq != applied
                ? log.entry(seq).map(LogEntry::commitTs).orElse(0L)
                : (m == null ? config.createdTs() : m.commitTs());
        return new State(seq, commitTs, index);
    }

    /** Whether the state after {@code seq} can still be rebuilt (it is at or before the head and not collected). */
    boolean reachable(long seq, long headSeq) {
        if (seq < 0 || seq > headSeq) {
            return false;
        }
        if (seq == 0) {
            return headSeq == 0 || objects.get(log.logKey(1)).isPresent();
        }
        return objects.get(log.logKey(seq)).isPresent();
    }

    // ---- tags ----

    private String tagKey(String name) {
        return config.root() + "tags/" + name + ".json";
    }

    /**
     * Pins a version under a name.
     *
     * @throws PreconditionFailedException when the name is taken
     */
    Tag tag(String name, LogEntry at) {
        byte[] json = Checksums.sealJson(
                Checksums.newJson().put("name", name).put("seq", at.seq()).put("commitTs", at.commitTs()));
        objects.putIfAbsent(tagKey(name), json);
        return new Tag(name, at.seq(), at.commitTs());
    }

    Optional<Tag> tag(String name) {
        String key = tagKey(name);
        return objects.get(key).map(o -> parseTag(key, o.bytes()));
    }

    List<Tag> tags() {
        List<Tag> out = new ArrayList<>();
        for (ObjectInfo info : objects.list(config.root() + "tags/")) {
            if (!info.key().endsWith(".json")) {
                continue; // an emulator's temporary object
            }
            objects.get(info.key()).ifPresent(o -> out.add(parseTag(info.key(), o.bytes())));
        }
        return out;
    }

    private static Tag parseTag(String key, byte[] bytes) {
        var n = Checksums.openJson(key, bytes);
        return new Tag(
                n.path("name").asText(),
                n.path("seq").asLong(),
                n.path("commitTs").asLong());
    }
}
