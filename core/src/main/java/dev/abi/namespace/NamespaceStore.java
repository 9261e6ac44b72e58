package dev.abi.namespace;

import dev.abi.store.Checksums;
import dev.abi.store.CommitLog;
import dev.abi.store.Manifest;
import dev.abi.store.ManifestLog;
import dev.abi.store.MetadataStore;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.ObjectStore;
import dev.abi.store.PreconditionFailedException;
import dev.abi.store.StoredObject;
import dev.abi.store.WalKeys;
import dev.abi.vector.AdaptiveVectorIndex;
import dev.abi.vector.Metric;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Where namespaces live on the object store: {@code namespaces/{name}.json} names each one and its incarnation, and
 * the commit protocol of DESIGN-STORAGE.md keeps its data under {@code ns/{name}/{incarnation}/}.
 *
 * <p>A namespace deleted through the API leaves {@code deleted/{name}/{incarnation}.json} behind, so that a later
 * creation can tell its remains from the data of a namespace whose config was lost: it refuses to start an empty
 * incarnation over the latter ({@link LeftoverDataException}).
 */
public final class NamespaceStore {

    /**
     * Tuning of the commit protocol.
     *
     * @param retention how far back restores and {@code asOf} reads reach
     * @param grace how old an unreferenced object must be before GC deletes it (longer than any function run)
     * @param foldEvery fold the log into a segment once this many commits are past the newest manifest
     * @param maxDeltas compact delta segments into one base segment past this many
     * @param leaseTtl how long an indexer's lease lasts without renewal: how soon another instance takes over from a
     *     holder that died (a live holder renews it every third of it while it folds)
     * @param graphThreshold from this many vectors a namespace is searched through an HNSW graph, and compaction
     *     stores the graph itself as the base segment, so that no instance has to build it again
     * @param clusterThreshold from this many vectors compaction stores a clustered segment instead, which serving
     *     instances read by range from the object store ({@code abi.index.cluster-threshold}, default 300,000)
     */
    public record Options(
            Duration retention,
            Duration grace,
            int foldEvery,
            int maxDeltas,
            Duration leaseTtl,
            int graphThreshold,
            int clusterThreshold) {
        /** {@code abi.index.cluster-threshold}, default 300,000 vectors. */
        public static final int DEFAULT_CLUSTER_THRESHOLD = Integer.getInteger("abi.index.cluster-threshold", 300_000);

        public static final Options DEFAULTS =
                new Options(Duration.ofDays(7), Duration.ofHours(1), 16, 8, Duration.ofSeconds(30));

        /** Options with the default cluster threshold ({@link #DEFAULT_CLUSTER_THRESHOLD}). */
        public Options(
                Duration retention,
                Duration grace,
                int foldEvery,
                int maxDeltas,
                Duration leaseTtl,
                int graphThreshold) {
            this(retention, grace, foldEvery, maxDeltas, leaseTtl, graphThreshold, DEFAULT_CLUSTER_THRESHOLD);
        }

        /** Options with the default graph threshold ({@link AdaptiveVectorIndex#DEFAULT_GRAPH_THRESHOLD}). */
        public Options(Duration retention, Duration grace, int foldEvery, int maxDeltas, Duration leaseTtl) {
            this(retention, grace, foldEvery, maxDeltas, leaseTtl, AdaptiveVectorIndex.DEFAULT_GRAPH_THRESHOLD);
        }
    }

    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final Clock clock;
    private final Options options;
    private final String writerId = "w-" + WalKeys.unique();
    private final Map<String, DurableNamespace> open = new ConcurrentHashMap<>();

    public NamespaceStore(ObjectStore objects) {
        this(objects, new ObjectMetadataStore(objects, Clock.systemUTC()), Clock.systemUTC(), Options.DEFAULTS);
    }

    /**
     * @param metadata leases, head hints (and, for the gateway, idempotency records); a cache, never the truth
     */
    public NamespaceStore(ObjectStore objects, MetadataStore metadata, Clock clock, Options options) {
        this.objects = objects;
        this.metadata = metadata;
        this.clock = clock;
        this.options = options;
    }

    public ObjectStore objects() {
        return objects;
    }

    public Options options() {
        return options;
    }

    Clock clock() {
        return clock;
    }

    /** This instance's writer id, recorded in its log entries. */
    public String writerId() {
        return writerId;
    }

    public List<String> list() {
        List<String> names = new ArrayList<>();
        for (ObjectInfo info : objects.list("namespaces/")) {
            String k = info.key();
            if (k.endsWith(".json")) {
                names.add(k.substring("namespaces/".length(), k.length() - ".json".length()));
            }
        }
        return names;
    }

    /** The namespace as its config names it now (one GET), or empty when it does not exist. */
    Optional<DurableNamespace> open(String name) {
        Optional<NamespaceConfig> config =
                objects.get(NamespaceConfig.key(name)).map(o -> NamespaceConfig.fromJson(name, o.bytes()));
        if (config.isEmpty()) {
            open.remove(name);
            return Optional.empty();
        }
        return Optional.of(open.compute(
                name,
                (n, cached) -> cached != null && cached.config().equals(config.get()) ? cached : handle(config.get())));
    }

    /**
     * Creates an empty namespace (version 0).
     *
     * @throws dev.abi.store.PreconditionFailedException when it exists
     * @throws LeftoverDataException when an earlier incarnation's data is stored but was never deleted
     */
    DurableNamespace create(String name, int dimension, Metric metric) {
        sweepClosedLogs(clock.millis());
        refuseLeftovers(name);
        NamespaceConfig config = new NamespaceConfig(name, dimension, metric, WalKeys.unique(), clock.millis());
        ManifestLog manifests = new ManifestLog(objects, config.root());
        manifests.commit(new Manifest(0, 0, 0, config.createdTs(), List.of(), 0));
        try {
            objects.putIfAbsent(NamespaceConfig.key(name), config.toJson());
        } catch (PreconditionFailedException lostTheRace) {
            // another creator won: our incarnation holds only its empty manifest, which nothing will ever read
            objects.delete(manifests.key(0));
            throw lostTheRace;
        }
        DurableNamespace ns = handle(config);
        open.put(name, ns);
        return ns;
    }

    /**
     * Removes the namespace. First it closes the incarnation's log with a delete entry: every instance reads the log
     * forward on each read (one GET of the next slot), so from then on reads everywhere answer that the namespace
     * does not exist, and no write commits to it. Then it marks the log for a later sweep, removes the config (the
     * namespace is gone for every request that reads it), marks the incarnation deleted, and removes its objects
     * except the log slots: an instance whose state is at any older slot must still find the next one and read
     * forward to the delete entry. The slots are swept once a grace period has passed ({@link #sweepClosedLogs}); by
     * then every instance has listed the log (or read the config) again. The deleted mark stays, so that objects a
     * stalled writer adds later are still known to be remains.
     */
    void delete(String name) {
        delete(name, null);
    }

    /**
     * As {@link #delete(String)}, only while the config names incarnation {@code incarnation} (null: any): finishes
     * a delete that closed that incarnation's log and crashed, without touching a namespace created since.
     */
    void delete(String name, String incarnation) {
        Optional<NamespaceConfig> config =
                objects.get(NamespaceConfig.key(name)).map(o -> NamespaceConfig.fromJson(name, o.bytes()));
        if (config.isEmpty()
                || incarnation != null && !config.get().incarnation().equals(incarnation)) {
            open.remove(name);
            return; // gone already, or another incarnation now: never delete a config this call did not read
        }
        NamespaceConfig c = config.get();
        handleOf(c).log().close();
        try {
            objects.putIfAbsent(
                    closedLogMark(name, c.incarnation()),
                    Checksums.sealJson(Checksums.newJson().put("root", c.root()).put("deletedAt", clock.millis())));
        } catch (PreconditionFailedException alreadyMarked) {
            // a delete that ran before and crashed
        }
        objects.delete(NamespaceConfig.key(name));
        open.remove(name);
        try {
            objects.putIfAbsent(
                    deletedMark(name, c.incarnation()),
                    Checksums.sealJson(Checksums.newJson()
                            .put("name", name)
                            .put("incarnation", c.incarnation())
                            .put("deletedAt", clock.millis())));
        } catch (PreconditionFailedException alreadyMarked) {
            // a delete that ran before and crashed
        }
        String log = c.root() + "log/";
        objects.list(c.root()).stream().filter(o -> !o.key().startsWith(log)).forEach(o -> objects.delete(o.key()));
        sweepClosedLogs(clock.millis());
    }

    /**
     * Removes the log slots that deleted incarnations keep, once their deletion is older than the grace period (by
     * the time the store recorded for the mark), then the mark. An incarnation the config still names (its delete
     * crashed before removing the config) is left to the delete that finishes it. Runs on every delete and create
     * (one LIST of {@code closed-logs/}, nearly always empty or young); answers how many incarnations it swept.
     */
    int sweepClosedLogs(long now) {
        int swept = 0;
        for (ObjectInfo mark : objects.list(CLOSED_LOGS)) {
            if (!mark.key().endsWith(".json")
                    || mark.lastModified() >= now - options.grace().toMillis()) {
                continue;
            }
            String rest = mark.key().substring(CLOSED_LOGS.length(), mark.key().length() - ".json".length());
            int slash = rest.lastIndexOf('/');
            if (slash <= 0) {
                continue;
            }
            String name = rest.substring(0, slash);
            String incarnation = rest.substring(slash + 1);
            boolean stillNamed = objects.get(NamespaceConfig.key(name))
                    .map(o -> NamespaceConfig.fromJson(name, o.bytes())
                            .incarnation()
                            .equals(incarnation))
                    .orElse(false);
            if (stillNamed) {
                continue;
            }
            String root = "ns/" + name + "/" + incarnation + "/";
            objects.list(root).forEach(o -> objects.delete(o.key()));
            objects.delete(mark.key());
            swept++;
        }
        return swept;
    }

    private static final String CLOSED_LOGS = "closed-logs/";

    /** The mark of a deleted incarnation whose log slots are still kept (removed with them by the sweep). */
    static String closedLogMark(String name, String incarnation) {
        return CLOSED_LOGS + name + "/" + incarnation + ".json";
    }

    /** The mark a deletion through the API leaves for an incarnation (outside its prefix, which it empties). */
    static String deletedMark(String name, String incarnation) {
        return "deleted/" + name + "/" + incarnation + ".json";
    }

    /**
     * Refuses to create {@code name} over the data of an incarnation that was never deleted: one with log entries or
     * a manifest past the genesis one, and no deletion mark. Costs one LIST when the name has no objects at all; an
     * incarnation with nothing committed (a creation that lost its race) does not count.
     *
     * @throws PreconditionFailedException when the namespace was created meanwhile (the caller compares)
     */
    private void refuseLeftovers(String name) {
        String prefix = "ns/" + name + "/";
        String after = null;
        while (true) {
            List<ObjectInfo> first = objects.list(prefix, after, 1);
            if (first.isEmpty()) {
                return;
            }
            String rest = first.get(0).key().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                after = first.get(0).key(); // not inside an incarnation
                continue;
            }
            String incarnation = rest.substring(0, slash);
            String root = prefix + incarnation + "/";
            after = root + "~"; // past every key of this incarnation ('~' sorts after the characters keys use)
            if (objects.get(deletedMark(name, incarnation)).isPresent() || !hasCommittedData(root)) {
                continue;
            }
            if (objects.get(NamespaceConfig.key(name)).isPresent()) {
                throw new PreconditionFailedException(NamespaceConfig.key(name), "created meanwhile");
            }
            throw new LeftoverDataException(name, root);
        }
    }

    private boolean hasCommittedData(String root) {
        if (!objects.list(root + "log/", null, 1).isEmpty()) {
            return true;
        }
        List<ObjectInfo> newest = new ManifestLog(objects, root).listObjects();
        return !newest.isEmpty() && !newest.get(0).key().equals(new ManifestLog(objects, root).key(0));
    }

    /**
     * Changes the config of incarnation {@code incarnation} of {@code name} with compare-and-swap, retrying on races.
     *
     * @return the config after the change; empty when the namespace is gone or is another incarnation now
     */
    Optional<NamespaceConfig> update(String name, String incarnation, UnaryOperator<NamespaceConfig> change) {
        for (int attempt = 0; attempt < 8; attempt++) {
            Optional<StoredObject> stored = objects.get(NamespaceConfig.key(name));
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            NamespaceConfig current =
                    NamespaceConfig.fromJson(name, stored.get().bytes());
            if (!current.incarnation().equals(incarnation)) {
                return Optional.empty();
            }
            NamespaceConfig next = change.apply(current);
            if (next.equals(current)) {
                return Optional.of(current);
            }
            try {
                objects.putIfMatch(
                        NamespaceConfig.key(name), next.toJson(), stored.get().etag());
                return Optional.of(next);
            } catch (PreconditionFailedException raced) {
                // changed meanwhile: apply the change to the new config
            }
        }
        throw new ConcurrentWriteException(name, 8);
    }

    Indexer indexer() {
        return new Indexer(metadata, writerId, options.leaseTtl(), options.maxDeltas(), clock);
    }

    GarbageCollector garbageCollector() {
        return new GarbageCollector(options.retention(), options.grace());
    }

    /** The handle of {@code config}: the cached one when it is that same config. */
    private DurableNamespace handleOf(NamespaceConfig config) {
        DurableNamespace cached = open.get(config.name());
        return cached != null && cached.config().equals(config) ? cached : handle(config);
    }

    private DurableNamespace handle(NamespaceConfig config) {
        CommitLog log = new CommitLog(
                objects, config.root(), writerId, clock, options.grace().dividedBy(2), config.createdTs());
        return new DurableNamespace(
                config, objects, log, metadata, options.graphThreshold(), options.clusterThreshold());
    }
}
