package dev.abi.namespace;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.LogEntry;
import dev.abi.store.LogQuarantine;
import dev.abi.store.Operation;
import dev.abi.store.PreconditionFailedException;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import dev.abi.vector.SearchHit;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The vector, version and restore operations of the API over the commit log of a {@link NamespaceStore}.
 *
 * <p>Writes append to the log and are acknowledged once their slot exists: no read-modify-write of the namespace, so
 * instances write concurrently. Reads take this instance's cached state and bring it up to the head by replaying the
 * log entries after it (one LIST, and a GET per entry written elsewhere), so a read sees every write acknowledged
 * before it began. A batch is applied to the cached state under a write lock, so a query never sees half of one.
 * Past the fold threshold a write triggers the indexer on {@code maintenance}, which folds the log into segments;
 * after a compaction it also collects garbage, at most once per grace period per instance.
 *
 * <p>When the head cannot be rebuilt because a log entry or its WAL object fails verification, the namespace holds
 * writes ({@link WritesHeldException}) until an operator quarantines that entry with {@link #repair}.
 */
public final class NamespaceService {

    private final NamespaceStore store;
    private final Executor maintenance;
    private final NamespaceRepair repairs;
    private final Map<String, Live> live = new ConcurrentHashMap<>();

    /** A point in history to read: a version (log seq) or a time. Exactly one is set. */
    public record AsOf(Long version, Long timestamp) {
        public static AsOf version(long v) {
            return new AsOf(v, null);
        }

        public static AsOf timestamp(long epochMillis) {
            return new AsOf(null, epochMillis);
        }
    }

    /** Query parameters, already validated by the gateway. A null filter matches everything; a null asOf is now. */
    public record Query(float[] vector, int topK, Filter filter, AsOf asOf) {
        public Query {
            filter = filter == null ? Filter.ALL : filter;
        }
    }

    /** The result of a namespace creation: its info, and whether this call created it. */
    public record Created(NamespaceInfo info, boolean created) {
    }

    /** One commit of the history. {@code restoredFrom} is the restored version for a restore, else null. */
    public record VersionInfo(long version, long commitTs, int ops, Long restoredFrom) {
    }

    /** A named snapshot (a tag GC keeps). */
    public record SnapshotInfo(String name, long version, long commitTs) {
    }

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
    public record RepairResult(long version, boolean replaced, List<String> quarantined, String headProblem) {
    }

    /** What a restore did: the version restored, and the new version (itself a commit) it created. */
    public record RestoreResult(long restoredFrom, long version) {
    }

    /** The cached state of one namespace incarnation on this instance. */
    private static final class Live {
        final DurableNamespace ns;
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final AtomicBoolean folding = new AtomicBoolean();
        volatile DurableNamespace.State state;
        volatile long manifestApplied;
        volatile long lastGc;

        Live(DurableNamespace ns) {
            this.ns = ns;
        }
    }

    private final java.util.concurrent.atomic.AtomicLong searches = new java.util.concurrent.atomic.AtomicLong();
    private final QueryCoalescer coalescer;
    private final int maxNamespaces;

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
        if (maxNamespaces < 1) {
            throw new IllegalArgumentException("maxNamespaces must be at least 1, got " + maxNamespaces);
        }
        this.maxNamespaces = maxNamespaces;
        this.store = store;
        this.maintenance = maintenance;
        this.coalescer = new QueryCoalescer(1024, 5_000, store.clock()::millis); // the store's clock, as GC uses
        this.repairs = new NamespaceRepair(store);
    }

    public NamespaceStore store() {
        return store;
    }

    public Created create(String name, int dimension, Metric metric) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<DurableNamespace> existing = store.open(name);
            if (existing.isPresent()) {
                NamespaceConfig c = existing.get().config;
                if (c.dimension() != dimension || c.metric() != metric) {
                    throw new NamespaceConflictException("namespace '" + name + "' exists with dimension "
                            + c.dimension() + " and metric " + c.metric().wireName() + "; asked for dimension "
                            + dimension + " and metric " + metric.wireName());
                }
                return new Created(info(name, head(name)), false);
            }
            if (store.list().size() >= maxNamespaces) {
                throw new NamespaceQuotaException(name, maxNamespaces);
            }
            try {
                store.create(name, dimension, metric);
                return new Created(new NamespaceInfo(name, dimension, metric, 0, 0), true);
            } catch (PreconditionFailedException raced) {
                // created concurrently: compare with what won
            }
        }
        throw new ConcurrentWriteException(name, 3);
    }

    public List<NamespaceInfo> list() {
        List<NamespaceInfo> out = new ArrayList<>();
        for (String name : store.list()) {
            try {
                out.add(describe(name));
            } catch (NamespaceNotFoundException deletedMeanwhile) {
                // listed, then deleted
            }
        }
        return out;
    }

    public NamespaceInfo describe(String name) {
        return info(name, head(name));
    }

    public void delete(String name) {
        if (store.open(name).isEmpty()) {
            throw new NamespaceNotFoundException(name);
        }
        store.delete(name);
        live.remove(name);
    }

    /**
     * Upserts a batch, creating the namespace (dimension of the first vector, cosine) when it does not exist.
     *
     * @throws DimensionMismatchException naming {@code vectors[i].values}
     */
    public WriteResult upsert(String name, List<VectorRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an upsert needs at least one vector");
        }
        DurableNamespace ns = store.open(name).orElseGet(() -> {
            create(name, records.get(0).values().length, Metric.COSINE);
            return store.open(name).orElseThrow(() -> new NamespaceNotFoundException(name));
        });
        checkDimensions(name, ns.config.dimension(), records);
        List<Operation> ops = new ArrayList<>(records.size());
        for (VectorRecord r : new UpsertBatch(records)) {
            ops.add(Operation.upsert(r.id(), r.values(), r.attributes()));
        }
        LogEntry e = ns.append(ops);
        afterCommit(name, ns, e);
        return new WriteResult(records.size(), e.seq());
    }

    /**
     * Replaces whole documents in one commit: upserts {@code chunks} (ids {@code {documentId}#{n}}, n from 0) and
     * deletes every chunk each of {@code documentIds} has at the head beyond the new ones. A document given no chunks
     * is deleted. Creates the namespace, as {@link #upsert} does, when there are chunks and it does not exist.
     *
     * @return how many chunks were deleted, and the version committed (the head's when nothing changed)
     */
    public WriteResult replaceDocuments(String name, List<VectorRecord> chunks, java.util.Collection<String> documentIds) {
        if (!chunks.isEmpty() && store.open(name).isEmpty()) {
            create(name, chunks.get(0).values().length, Metric.COSINE);
        }
        Live l = currentForWrite(name);
        checkDimensions(name, l.ns.config.dimension(), chunks);
        java.util.Set<String> fresh = new java.util.HashSet<>();
        List<Operation> ops = new ArrayList<>(chunks.size());
        for (VectorRecord r : new UpsertBatch(chunks)) {
            ops.add(Operation.upsert(r.id(), r.values(), r.attributes()));
            fresh.add(r.id());
        }
        int deleted = 0;
        DurableNamespace.State state;
        l.lock.readLock().lock();
        try {
            state = l.state;
            for (String doc : new java.util.LinkedHashSet<>(documentIds)) {
                for (int n = 0; state.index().get(doc + "#" + n).isPresent(); n++) {
                    if (!fresh.contains(doc + "#" + n)) {
                        ops.add(Operation.delete(doc + "#" + n));
                        deleted++;
                    }
                }
            }
        } finally {
            l.lock.readLock().unlock();
        }
        if (ops.isEmpty()) {
            return new WriteResult(0, state.seq());
        }
        LogEntry e = l.ns.append(ops);
        afterCommit(name, l.ns, e);
        return new WriteResult(deleted, e.seq());
    }

    /** Deletes vectors by id; ids that do not exist at the head are ignored and not counted. */
    public WriteResult deleteVectors(String name, List<String> ids) {
        Live l = currentForWrite(name);
        DurableNamespace.State state = l.state;
        List<Operation> ops = new ArrayList<>();
        l.lock.readLock().lock();
        try {
            for (String id : new java.util.LinkedHashSet<>(ids)) {
                if (state.index().get(id).isPresent()) {
                    ops.add(Operation.delete(id));
                }
            }
        } finally {
            l.lock.readLock().unlock();
        }
        if (ops.isEmpty()) {
            return new WriteResult(0, state.seq());
        }
        LogEntry e = l.ns.append(ops);
        afterCommit(name, l.ns, e);
        return new WriteResult(ops.size(), e.seq());
    }

    /**
     * Deletes, in one commit, every vector at the head that {@code matches} (given the id and attributes). Used to
     * drop what a removed or replaced source object contributed.
     *
     * @return how many were deleted, and the version committed; {@code (0, -1)} when nothing matched or the namespace
     *     does not exist
     */
    public WriteResult deleteWhere(String name, java.util.function.BiPredicate<String, Map<String, Object>> matches) {
        List<String> ids = idsWhere(name, matches);
        return ids.isEmpty() ? new WriteResult(0, -1) : deleteVectors(name, ids);
    }

    /** How many vectors at the head match (given the id and attributes); 0 when the namespace does not exist. */
    public int countWhere(String name, java.util.function.BiPredicate<String, Map<String, Object>> matches) {
        return idsWhere(name, matches).size();
    }

    private List<String> idsWhere(String name, java.util.function.BiPredicate<String, Map<String, Object>> matches) {
        if (store.open(name).isEmpty()) {
            return List.of();
        }
        Live l = current(name);
        List<String> ids = new ArrayList<>();
        l.lock.readLock().lock();
        try {
            l.state.index().forEach(v -> {
                if (matches.test(v.id(), v.attributes())) {
                    ids.add(v.id());
                }
            });
        } finally {
            l.lock.readLock().unlock();
        }
        return ids;
    }

    public StoredVector get(String name, String id) {
        Live l = current(name);
        l.lock.readLock().lock();
        try {
            return l.state.index().get(id).orElseThrow(() -> new VectorNotFoundException(name, id));
        } finally {
            l.lock.readLock().unlock();
        }
    }

    /**
     * @throws DimensionMismatchException naming {@code vector}
     * @throws VersionNotFoundException when {@code asOf} names a version or time that is unknown or collected
     */
    public QueryResult query(String name, Query query) {
        return query(name, query, null);
    }

    /**
     * As {@link #query(String, Query)}; with a {@code coalesceKey} (the request's canonical form: vector, topK,
     * filter), identical concurrent queries at the same version are searched once and their result is cached for a
     * few seconds, keyed on the version, so a write is never answered from the cache.
     */
    public QueryResult query(String name, Query query, String coalesceKey) {
        if (coalesceKey != null && query.asOf() == null) {
            Live l = current(name);
            long seq;
            l.lock.readLock().lock();
            try {
                seq = l.state.seq();
            } finally {
                l.lock.readLock().unlock();
            }
            // the root names the incarnation: a namespace deleted and created again at the same version is another
            return coalescer.get(l.ns.root() + "@" + seq + "#" + coalesceKey, () -> {
                l.lock.readLock().lock();
                try {
                    return search(name, l.state, query);
                } finally {
                    l.lock.readLock().unlock();
                }
            });
        }
        if (query.asOf() != null) {
            DurableNamespace.State past = stateAsOf(name, query.asOf());
            return search(name, past, query);
        }
        Live l = current(name);
        l.lock.readLock().lock();
        try {
            return search(name, l.state, query);
        } finally {
            l.lock.readLock().unlock();
        }
    }

    /** Index searches run so far (coalesced and cached queries do not search). */
    public long searches() {
        return searches.get();
    }

    private QueryResult search(String name, DurableNamespace.State state, Query query) {
        searches.incrementAndGet();
        VectorIndex index = state.index();
        if (query.vector().length != index.dimension()) {
            throw new DimensionMismatchException("vector", name, index.dimension(), query.vector().length);
        }
        List<SearchHit> hits = index.search(query.vector(), query.topK(), query.filter());
        List<QueryResult.Match> matches = new ArrayList<>(hits.size());
        for (SearchHit hit : hits) {
            StoredVector v = index.get(hit.id()).orElse(new StoredVector(hit.id(), new float[0], Map.of()));
            matches.add(new QueryResult.Match(v, hit.distance()));
        }
        return new QueryResult(matches, state.seq());
    }

    /** Commits newest first: at most {@code limit}, all below {@code before} when it is set. */
    public List<VersionInfo> versions(String name, int limit, Long before) {
        DurableNamespace ns = open(name);
        long head = ns.log.newestAtOrAfter(ns.manifests.newest().map(m -> m.appliedThroughSeq()).orElse(0L) + 1).seq();
        long top = before == null ? head : Math.min(head, before - 1);
        List<VersionInfo> out = new ArrayList<>();
        for (long seq = top; seq >= 0 && out.size() < limit; seq--) {
            Optional<LogEntry> e = ns.log.entry(seq);
            if (e.isEmpty()) {
                break; // collected: history ends here
            }
            LogEntry entry = e.get();
            out.add(new VersionInfo(seq, entry.commitTs(), entry.ops(),
                    entry.kind() == LogEntry.Kind.RESTORE ? entry.restoreTo() : null));
            if (seq == 1 && !ns.reachable(0, head)) {
                break;
            }
        }
        return out;
    }

    /**
     * Tags the current version (or {@code version} when set) under a name GC keeps.
     *
     * @throws SnapshotExistsException when the name is taken
     */
    public SnapshotInfo snapshot(String name, String snapshot, Long version) {
        DurableNamespace ns = open(name);
        long head = ns.head().seq();
        long seq = version == null ? head : version;
        if (!ns.reachable(seq, head)) {
            throw new VersionNotFoundException(name, seq);
        }
        LogEntry at = ns.log.entry(seq).orElseThrow(() -> new VersionNotFoundException(name, seq));
        try {
            DurableNamespace.Tag t = ns.tag(snapshot, at);
            return new SnapshotInfo(t.name(), t.seq(), t.commitTs());
        } catch (PreconditionFailedException taken) {
            throw new SnapshotExistsException(name, snapshot);
        }
    }

    public List<SnapshotInfo> snapshots(String name) {
        return open(name).tags().stream().map(t -> new SnapshotInfo(t.name(), t.seq(), t.commitTs())).toList();
    }

    /** Restores to a version. The restore is a new commit, ordered with writes by the log. */
    public RestoreResult restoreToVersion(String name, long version) {
        DurableNamespace ns = open(name);
        ns.refuseWritesIfHeld();
        if (!ns.reachable(version, ns.head().seq())) {
            throw new VersionNotFoundException(name, version);
        }
        LogEntry e = ns.appendRestore(version);
        afterCommit(name, ns, e);
        return new RestoreResult(version, e.seq());
    }

    /** Restores to the newest version committed at or before {@code epochMillis}. */
    public RestoreResult restoreToTime(String name, long epochMillis) {
        return restoreToVersion(name, seqAt(name, open(name), epochMillis));
    }

    /** Restores to a snapshot's version. */
    public RestoreResult restoreToSnapshot(String name, String snapshot) {
        DurableNamespace ns = open(name);
        DurableNamespace.Tag tag = ns.tag(snapshot).orElseThrow(() -> new SnapshotNotFoundException(name, snapshot));
        return restoreToVersion(name, tag.seq());
    }

    /** Folds the log into segments now (normally triggered by writes); returns the outcome's name. */
    public String fold(String name) {
        DurableNamespace ns = open(name);
        return holdingOnCorruption(ns, () -> store.indexer().fold(ns)).outcome().name();
    }

    /**
     * Folds the log and compacts every segment into one now, whatever the delta count: a graph segment past the
     * graph threshold, so cold instances open one segment and search its graph at once. Returns the outcome's name.
     */
    public String compact(String name) {
        DurableNamespace ns = open(name);
        return holdingOnCorruption(ns, () -> store.indexer().fold(ns, true)).outcome().name();
    }

    /**
     * Quarantines the log entry at {@code version} (see {@link LogQuarantine}) and lifts the hold on writes: every
     * later entry stays, and every instance rebuilds its state on its next request. Then rebuilds the head once to
     * report whether it is readable now.
     *
     * @param force quarantine the entry even though it verifies (only while it is not folded into segments)
     * @throws VersionNotFoundException when {@code version} is not in the log
     * @throws RepairRefusedException when the entry verifies and {@code force} is not set
     */
    public RepairResult repair(String name, long version, boolean force) {
        Optional<LogQuarantine.Result> r = repairs.quarantine(open(name), version, force);
        live.remove(name);
        String problem = null;
        try {
            current(name);
        } catch (CorruptObjectException stillUnreadable) {
            problem = stillUnreadable.getMessage();
        }
        return new RepairResult(version, r.isPresent(), r.map(LogQuarantine.Result::copied).orElse(List.of()), problem);
    }

    /** Whether this instance searches the head state of {@code name} through an HNSW graph (else an exact scan). */
    public boolean usesGraph(String name) {
        VectorIndex index = current(name).state.index();
        return index instanceof dev.abi.vector.LayeredVectorIndex
                || index instanceof dev.abi.vector.AdaptiveVectorIndex a && a.usesGraph();
    }

    /** The newest seq that segments hold (the newest manifest's {@code appliedThroughSeq}); freshness is the gap. */
    public long indexedThrough(String name) {
        return open(name).manifests.newest().map(m -> m.appliedThroughSeq()).orElse(0L);
    }

    /** Runs garbage collection on one namespace now; returns how many objects it deleted. */
    public int collectGarbage(String name) {
        DurableNamespace ns = open(name);
        return store.garbageCollector().collect(ns, store.clock().millis()).deleted();
    }

    // ---- internals ----

    private DurableNamespace open(String name) {
        return store.open(name).orElseThrow(() -> new NamespaceNotFoundException(name));
    }

    private DurableNamespace.State stateAsOf(String name, AsOf asOf) {
        DurableNamespace ns = open(name);
        long head = ns.head().seq();
        long seq = asOf.version() != null ? asOf.version() : seqAt(name, ns, asOf.timestamp());
        if (!ns.reachable(seq, head)) {
            throw new VersionNotFoundException(name, seq);
        }
        Live l = live.get(name);
        if (l != null && l.ns == ns && l.state != null && l.state.seq() == seq) {
            return l.state;
        }
        return ns.load(seq);
    }

    private long seqAt(String name, DurableNamespace ns, long epochMillis) {
        return ns.log.seqAt(epochMillis).orElseThrow(() -> new VersionNotFoundException(name,
                "no version of namespace '" + name + "' was committed at or before "
                        + java.time.Instant.ofEpochMilli(epochMillis) + " inside the retention window"));
    }

    private NamespaceInfo info(String name, Live l) {
        NamespaceConfig c = l.ns.config;
        return new NamespaceInfo(name, c.dimension(), c.metric(), l.state.index().size(), l.state.seq());
    }

    private Live head(String name) {
        return current(name);
    }

    /** As {@link #current}, refusing first when the namespace holds writes. */
    private Live currentForWrite(String name) {
        DurableNamespace ns = open(name);
        ns.refuseWritesIfHeld();
        return holdingOnCorruption(ns, () -> current(ns));
    }

    /** This instance's state of the namespace, brought up to the newest commit. */
    private Live current(String name) {
        DurableNamespace ns = open(name);
        return holdingOnCorruption(ns, () -> current(ns));
    }

    /** Runs {@code work} on the head of {@code ns}; an entry it finds unreadable holds writes (then it rethrows). */
    private <T> T holdingOnCorruption(DurableNamespace ns, Supplier<T> work) {
        try {
            return work.get();
        } catch (CorruptObjectException e) {
            repairs.holdIfEntryUnreadable(ns, e);
            throw e;
        }
    }

    private Live current(DurableNamespace ns) {
        String name = ns.config.name();
        Live l = live.compute(name, (n, cached) -> cached != null && cached.ns == ns ? cached : new Live(ns));
        DurableNamespace.State seen = l.state;
        if (seen == null) {
            l.lock.writeLock().lock();
            try {
                if (l.state == null) {
                    l.state = ns.load(ns.head().seq());
                    l.manifestApplied = ns.manifests.newest().map(m -> m.appliedThroughSeq()).orElse(0L);
                }
                return l;
            } finally {
                l.lock.writeLock().unlock();
            }
        }
        // Read the tail without holding the lock: queries keep running meanwhile.
        List<LogEntry> tail = ns.log.entriesAfter(seen.seq(), Long.MAX_VALUE);
        if (tail.isEmpty()) {
            return l;
        }
        l.lock.writeLock().lock();
        try {
            long at = l.state.seq();
            List<LogEntry> fresh = tail.stream().filter(e -> e.seq() > at).toList();
            if (fresh.isEmpty()) {
                return l; // another request applied them first
            }
            LogEntry last = fresh.get(fresh.size() - 1);
            if (fresh.stream().anyMatch(e -> e.kind() == LogEntry.Kind.RESTORE)) {
                l.state = ns.load(last.seq()); // a restore replaces the state: rebuild rather than patch
            } else {
                VectorIndex index = l.state.index();
                for (LogEntry e : fresh) {
                    ns.apply(index, e);
                }
                l.state = new DurableNamespace.State(last.seq(), last.commitTs(), index);
            }
            return l;
        } finally {
            l.lock.writeLock().unlock();
        }
    }

    private void afterCommit(String name, DurableNamespace ns, LogEntry e) {
        Live l = live.get(name);
        long applied = l != null && l.ns == ns ? l.manifestApplied : 0;
        if (e.seq() - applied < store.options().foldEvery()) {
            return;
        }
        Live target = l != null && l.ns == ns ? l : live.computeIfAbsent(name, n -> new Live(ns));
        if (!target.folding.compareAndSet(false, true)) {
            return;
        }
        maintenance.execute(() -> {
            try {
                Indexer.Result r = holdingOnCorruption(ns, () -> store.indexer().fold(ns));
                if (r.manifest() != null) {
                    target.manifestApplied = r.manifest().appliedThroughSeq();
                }
                long now = store.clock().millis();
                boolean compacted = r.outcome() == Indexer.Outcome.COMMITTED && r.manifest().count() >= 0;
                if (compacted && now - target.lastGc >= store.options().grace().toMillis()) {
                    // after a compaction, at most once per grace period: replaced segments become garbage
                    target.lastGc = now;
                    store.garbageCollector().collect(ns, now);
                }
            } catch (RuntimeException failed) {
                System.getLogger(NamespaceService.class.getName()).log(System.Logger.Level.WARNING,
                        "fold of namespace " + name + " failed; the log still holds every write", failed);
            } finally {
                target.folding.set(false);
            }
        });
    }

    private static void checkDimensions(String name, int dimension, List<VectorRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).values().length != dimension) {
                throw new DimensionMismatchException("vectors[" + i + "].values", name, dimension,
                        records.get(i).values().length);
            }
        }
    }
}
