package dev.abi.namespace;

import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import dev.abi.vector.StoredVector;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * The vector, version and restore operations of the API over the commit log of a {@link NamespaceStore}.
 *
 * <p>Writes append to the log and are acknowledged once their slot exists: no read-modify-write of the namespace, so
 * instances write concurrently. Reads take this instance's cached state and bring it up to the head by reading the
 * log forward from it (one GET of the next slot when nothing changed, and a GET per entry written elsewhere; never a
 * LIST), so a strong read sees every write acknowledged before it began; an eventual read may skip that GET while
 * the state was checked within {@link ReadPolicy#maxStaleness()} ({@link Consistency}). A batch is applied to the cached state under a write lock, so a query never sees half of one.
 * Past the fold threshold a write triggers the indexer on {@code maintenance}, which folds the log into segments;
 * after a compaction it also collects garbage, at most once per grace period per instance.
 *
 * <p>When the head cannot be rebuilt because a log entry or its WAL object fails verification, the namespace holds
 * writes ({@link WritesHeldException}) until an operator quarantines that entry with {@link #repair}.
 *
 * <p>A facade: the work is split by what a caller wants, {@link #writes()}, {@link #reads()}, {@link #history()} and
 * {@link #maintenance()}, which share one cache of live states ({@code LiveStates}); the methods here delegate.
 */
public final class NamespaceService {

    private final NamespaceStore store;
    private final NamespaceWrites writes;
    private final NamespaceReads reads;
    private final NamespaceHistory history;
    private final NamespaceMaintenance maintenance;

    /** A point in history to read: a version (log seq) or a time. Exactly one is set. */
    public record AsOf(Long version, Long timestamp) {
        public static AsOf version(long v) {
            return new AsOf(v, null);
        }

        public static AsOf timestamp(long epochMillis) {
            return new AsOf(null, epochMillis);
        }
    }

    /**
     * Query parameters, already validated by the gateway. A null filter matches everything; a null asOf is now; a
     * null consistency is the deployment's default ({@link ReadPolicy#consistency()}); it does not apply to asOf.
     */
    public record Query(float[] vector, int topK, Filter filter, AsOf asOf, Consistency consistency) {
        public Query {
            filter = filter == null ? Filter.ALL : filter;
        }

        /** A query at the deployment's default consistency. */
        public Query(float[] vector, int topK, Filter filter, AsOf asOf) {
            this(vector, topK, filter, asOf, null);
        }
    }

    /** The result of a namespace creation: its info, and whether this call created it. */
    public record Created(NamespaceInfo info, boolean created) {}

    /** One commit of the history. {@code restoredFrom} is the restored version for a restore, else null. */
    public record VersionInfo(long version, long commitTs, int ops, Long restoredFrom) {}

    /** A named snapshot (a tag GC keeps). */
    public record SnapshotInfo(String name, long version, long commitTs) {}

    /**
     * What a repair did.
     *
     * @param version the repaired version
     * @param replaced whether its slot now holds an empty write; false when the entry verified again (restored from
     *     bucket versioning) and only the hold on writes was lifted
     * @param quarantined the copies of its log and WAL objects, under the namespace's {@code quarantine/} prefix
     * @param headProblem null when the head is readable after the repair; else why not (another unreadable entry,
     *     which now holds writes in turn)
     */
    public record RepairResult(long version, boolean replaced, List<String> quarantined, String headProblem) {}

    /** What a restore did: the version restored, and the new version (itself a commit) it created. */
    public record RestoreResult(long restoredFrom, long version) {}

    /** The default quota of namespaces per deployment. */
    public static final int DEFAULT_MAX_NAMESPACES = 10_000;

    public NamespaceService(NamespaceStore store) {
        this(store, task -> Thread.ofVirtual().name("abi-indexer").start(task));
    }

    /**
     * @param maintenance runs folds after writes (a virtual thread per fold by default; the caller's thread where a
     *     platform freezes background work, or in tests)
     */
    public NamespaceService(NamespaceStore store, Executor maintenance) {
        this(store, maintenance, DEFAULT_MAX_NAMESPACES);
    }

    /**
     * @param maxNamespaces how many namespaces the deployment may hold; creating one more is refused with {@link
     *     NamespaceQuotaException} (the check lists the namespaces, on the create path only)
     */
    public NamespaceService(NamespaceStore store, Executor maintenance, int maxNamespaces) {
        this(store, maintenance, maxNamespaces, ReadPolicy.DEFAULTS);
    }

    /**
     * @param reads how reads check their state against the log: the default consistency, the staleness bound of
     *     eventual reads, and how often the log is listed anyway
     */
    public NamespaceService(NamespaceStore store, Executor maintenance, int maxNamespaces, ReadPolicy reads) {
        if (maxNamespaces < 1) {
            throw new IllegalArgumentException("maxNamespaces must be at least 1, got " + maxNamespaces);
        }
        this.store = store;
        NamespaceRepair repairs = new NamespaceRepair(store);
        LiveStates states = new LiveStates(store, maintenance, repairs, reads);
        this.writes = new NamespaceWrites(store, states, maxNamespaces);
        this.reads = new NamespaceReads(store, states);
        this.history = new NamespaceHistory(states);
        this.maintenance = new NamespaceMaintenance(store, states, repairs);
    }

    public NamespaceStore store() {
        return store;
    }

    /** Create, delete, upserts, document replacement and deletes. */
    public NamespaceWrites writes() {
        return writes;
    }

    /** List, describe, get and query. */
    public NamespaceReads reads() {
        return reads;
    }

    /** Versions, snapshots and restores. */
    public NamespaceHistory history() {
        return history;
    }

    /** Folds, compactions, garbage collection and repair. */
    public NamespaceMaintenance maintenance() {
        return maintenance;
    }

    public Created create(String name, int dimension, Metric metric) {
        return writes.create(name, dimension, metric);
    }

    public List<NamespaceInfo> list() {
        return reads.list();
    }

    public NamespaceInfo describe(String name) {
        return reads.describe(name);
    }

    public void delete(String name) {
        writes.delete(name);
    }

    /** See {@link NamespaceWrites#upsert}. */
    public WriteResult upsert(String name, List<VectorRecord> records) {
        return writes.upsert(name, records);
    }

    /** See {@link NamespaceWrites#replaceDocuments}. */
    public WriteResult replaceDocuments(
            String name,
            List<VectorRecord> chunks,
            Collection<String> documentIds,
            BiFunction<String, Integer, String> chunkId) {
        return writes.replaceDocuments(name, chunks, documentIds, chunkId);
    }

    public WriteResult deleteVectors(String name, List<String> ids) {
        return writes.deleteVectors(name, ids);
    }

    /** See {@link NamespaceWrites#deleteWhere}. */
    public WriteResult deleteWhere(String name, BiPredicate<String, Map<String, Object>> matches) {
        return writes.deleteWhere(name, matches);
    }

    public int countWhere(String name, BiPredicate<String, Map<String, Object>> matches) {
        return writes.countWhere(name, matches);
    }

    public StoredVector get(String name, String id) {
        return reads.get(name, id);
    }

    /** See {@link NamespaceReads#query(String, Query)}. */
    public QueryResult query(String name, Query query) {
        return reads.query(name, query);
    }

    /** See {@link NamespaceReads#query(String, Query, String)}. */
    public QueryResult query(String name, Query query, String coalesceKey) {
        return reads.query(name, query, coalesceKey);
    }

    public long searches() {
        return reads.searches();
    }

    public List<VersionInfo> versions(String name, int limit, Long before) {
        return history.versions(name, limit, before);
    }

    public SnapshotInfo snapshot(String name, String snapshot, Long version) {
        return history.snapshot(name, snapshot, version);
    }

    public List<SnapshotInfo> snapshots(String name) {
        return history.snapshots(name);
    }

    public RestoreResult restoreToVersion(String name, long version) {
        return history.restoreToVersion(name, version);
    }

    public RestoreResult restoreToTime(String name, long epochMillis) {
        return history.restoreToTime(name, epochMillis);
    }

    public RestoreResult restoreToSnapshot(String name, String snapshot) {
        return history.restoreToSnapshot(name, snapshot);
    }

    public String fold(String name) {
        return maintenance.fold(name);
    }

    public String compact(String name) {
        return maintenance.compact(name);
    }

    /** See {@link NamespaceMaintenance#repair}. */
    public RepairResult repair(String name, long version, boolean force) {
        return maintenance.repair(name, version, force);
    }

    public boolean usesGraph(String name) {
        return maintenance.usesGraph(name);
    }

    public long indexedThrough(String name) {
        return maintenance.indexedThrough(name);
    }

    public int collectGarbage(String name) {
        return maintenance.collectGarbage(name);
    }
}
