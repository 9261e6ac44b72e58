package dev.abi.namespace;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.LogEntry;
import dev.abi.vector.VectorIndex;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.time.Instant;

/**
 * This instance's cached state of each namespace incarnation, shared by the writes, reads, history and maintenance
 * of {@link NamespaceService}: brought up to the head by replaying the log tail, held under a read-write lock so a
 * query never sees half a batch, and folded in the background past the fold threshold.
 */
final class LiveStates {

    /** The cached state of one namespace incarnation on this instance. */
    static final class Live {
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

    private final NamespaceStore store;
    private final Executor maintenance;
    private final NamespaceRepair repairs;
    private final Map<String, Live> live = new ConcurrentHashMap<>();

    LiveStates(NamespaceStore store, Executor maintenance, NamespaceRepair repairs) {
        this.store = store;
        this.maintenance = maintenance;
        this.repairs = repairs;
    }

    /** Drops this instance's state of {@code name} (deleted, or repaired: the next request rebuilds it). */
    void forget(String name) {
        live.remove(name);
    }

    /** This instance's state at the head, when it holds one for this incarnation (no store call). */
    Live cached(String name) {
        return live.get(name);
    }

    DurableNamespace open(String name) {
        return store.open(name).orElseThrow(() -> new NamespaceNotFoundException(name));
    }

    DurableNamespace.State stateAsOf(String name, NamespaceService.AsOf asOf) {
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

    long seqAt(String name, DurableNamespace ns, long epochMillis) {
        return ns.log().seqAt(epochMillis).orElseThrow(() -> new VersionNotFoundException(name,
                "no version of namespace '" + name + "' was committed at or before "
                        + Instant.ofEpochMilli(epochMillis) + " inside the retention window"));
    }

    NamespaceInfo info(String name, Live l) {
        NamespaceConfig c = l.ns.config();
        return new NamespaceInfo(name, c.dimension(), c.metric(), l.state.index().size(), l.state.seq(),
                c.embeddingModel());
    }

    Live head(String name) {
        return current(name);
    }

    /** As {@link #current}, refusing first when the namespace holds writes. */
    Live currentForWrite(String name) {
        DurableNamespace ns = open(name);
        ns.refuseWritesIfHeld();
        return holdingOnCorruption(ns, () -> current(ns));
    }

    /** This instance's state of the namespace, brought up to the newest commit. */
    Live current(String name) {
        DurableNamespace ns = open(name);
        return holdingOnCorruption(ns, () -> current(ns));
    }

    /** Runs {@code work} on the head of {@code ns}; an entry it finds unreadable holds writes (then it rethrows). */
    <T> T holdingOnCorruption(DurableNamespace ns, Supplier<T> work) {
        try {
            return work.get();
        } catch (CorruptObjectException e) {
            repairs.holdIfEntryUnreadable(ns, e);
            throw e;
        }
    }

    private Live current(DurableNamespace ns) {
        String name = ns.config().name();
        Live l = live.compute(name, (n, cached) -> cached != null && cached.ns == ns ? cached : new Live(ns));
        DurableNamespace.State seen = l.state;
        if (seen == null) {
            l.lock.writeLock().lock();
            try {
                if (l.state == null) {
                    l.state = ns.load(ns.head().seq());
                    l.manifestApplied = ns.manifests().newest().map(m -> m.appliedThroughSeq()).orElse(0L);
                }
                return l;
            } finally {
                l.lock.writeLock().unlock();
            }
        }
        // Read the tail without holding the lock: queries keep running meanwhile.
        List<LogEntry> tail = ns.log().entriesAfter(seen.seq(), Long.MAX_VALUE);
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

    void afterCommit(String name, DurableNamespace ns, LogEntry e) {
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

}
