package dev.abi.namespace;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.LogClosedException;
import dev.abi.store.LogEntry;
import dev.abi.vector.VectorIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * This instance's cached state of each namespace incarnation, shared by the writes, reads, history and maintenance
 * of {@link NamespaceService}: brought up to the head by reading the log forward, held under a read-write lock so a
 * query never sees half a batch, and folded in the background past the fold threshold.
 *
 * <p>Freshness without LIST (docs/storage.md, "Reads"). A strong read GETs the log slot after its state's seq: a
 * free slot proves the state is the head (slots are created in order, each only after the one before it exists), so
 * a read that starts after a write was acknowledged anywhere finds that write's slot. A taken slot is applied and the
 * next one read, until a free one. The namespace config is not read on this path: a namespace delete closes its log
 * with a delete entry that the same GET finds. The proof holds only while no slot after the state can have been
 * collected by GC (which deletes none younger than its grace period) or lost: every {@code fullCheckEvery} (at most
 * half the grace period) a read instead reads the config again and lists the log, which finds the head past any
 * collected or missing slot. An eventual read is answered from the state with no store call while the state was
 * checked within {@code maxStaleness} and holds this instance's own acknowledged writes.
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
        /**
         * A time (the store's clock) at or after which the slot after {@code state} was seen free: every write
         * acknowledged before it is in {@code state}. {@link Long#MIN_VALUE} until the first check.
         */
        final AtomicLong checkedAt = new AtomicLong(Long.MIN_VALUE);
        /** When the config was last read and the log listed for this state (the full check). */
        final AtomicLong fullCheckAt = new AtomicLong(Long.MIN_VALUE);
        /** The newest seq this instance committed to this incarnation: eventual reads see their own writes. */
        final AtomicLong ownSeq = new AtomicLong();

        Live(DurableNamespace ns) {
            this.ns = ns;
        }

        void checked(long at, boolean full) {
            checkedAt.accumulateAndGet(at, Math::max);
            if (full) {
                fullCheckAt.accumulateAndGet(at, Math::max);
            }
        }
    }

    private final NamespaceStore store;
    private final Executor maintenance;
    private final NamespaceRepair repairs;
    private final ReadPolicy policy;
    /** {@link ReadPolicy#fullCheckEvery()}, capped at half the GC grace period. */
    private final Duration fullCheckEvery;

    private final Map<String, Live> live = new ConcurrentHashMap<>();

    LiveStates(NamespaceStore store, Executor maintenance, NamespaceRepair repairs, ReadPolicy policy) {
        this.store = store;
        this.maintenance = maintenance;
        this.repairs = repairs;
        this.policy = policy;
        Duration halfGrace = store.options().grace().dividedBy(2);
        this.fullCheckEvery = policy.fullCheckEvery().compareTo(halfGrace) > 0 ? halfGrace : policy.fullCheckEvery();
    }

    ReadPolicy policy() {
        return policy;
    }

    private Clock clock() {
        return store.clock();
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
        return ns.log()
                .seqAt(epochMillis)
                .orElseThrow(() -> new VersionNotFoundException(
                        name,
                        "no version of namespace '" + name + "' was committed at or before "
                                + Instant.ofEpochMilli(epochMillis) + " inside the retention window"));
    }

    NamespaceInfo info(String name, Live l) {
        NamespaceConfig c = l.ns.config();
        return new NamespaceInfo(
                name, c.dimension(), c.metric(), l.state.index().size(), l.state.seq(), c.embeddingModel());
    }

    /** The state at the head, with the config read now (for what the config says: describe, create). */
    Live head(String name) {
        DurableNamespace ns = open(name);
        return holdingOnCorruption(ns, () -> current(ns));
    }

    /** As {@link #current}, refusing first when the namespace holds writes (the config is read, as every write does). */
    Live currentForWrite(String name) {
        DurableNamespace ns = open(name);
        ns.refuseWritesIfHeld();
        return holdingOnCorruption(ns, () -> current(ns));
    }

    /** This instance's state of the namespace, brought up to the newest commit (a strong read). */
    Live current(String name) {
        return current(name, Consistency.STRONG);
    }

    /**
     * This instance's state of the namespace, as fresh as {@code consistency} asks (null: the policy's default). A
     * strong read costs one GET when nothing changed (the free slot after the state); an eventual one none while the
     * state was checked within the bound.
     */
    Live current(String name, Consistency consistency) {
        Consistency c = consistency != null ? consistency : policy.consistency();
        Live l = live.get(name);
        if (l != null && l.state != null) {
            long now = clock().millis();
            if (c == Consistency.EVENTUAL
                    && within(now, l.checkedAt.get(), policy.maxStaleness())
                    && l.state.seq() >= l.ownSeq.get()) {
                return l;
            }
            if (within(now, l.fullCheckAt.get(), fullCheckEvery)) {
                try {
                    return holdingOnCorruption(l.ns, () -> catchUp(l, now));
                } catch (LogClosedException deleted) {
                    live.remove(name, l); // deleted, and perhaps created again: the config tells which
                }
            }
        }
        DurableNamespace ns = open(name);
        return holdingOnCorruption(ns, () -> current(ns));
    }

    /** Whether {@code since} is set and at most {@code bound} before {@code now} (a clock that went back is not). */
    private static boolean within(long now, long since, Duration bound) {
        return since != Long.MIN_VALUE && now >= since && now - since <= bound.toMillis();
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

    /** The state of {@code ns}, whose config was just read. */
    private Live current(DurableNamespace ns) {
        String name = ns.config().name();
        Live l = live.compute(name, (n, cached) -> cached != null && cached.ns == ns ? cached : new Live(ns));
        long started = clock().millis();
        if (l.state == null) {
            l.lock.writeLock().lock();
            try {
                if (l.state == null) {
                    l.state = ns.load(ns.head().seq());
                    l.manifestApplied = ns.manifests()
                            .newest()
                            .map(m -> m.appliedThroughSeq())
                            .orElse(0L);
                    l.checked(started, true);
                }
                return l;
            } finally {
                l.lock.writeLock().unlock();
            }
        }
        try {
            return within(started, l.fullCheckAt.get(), fullCheckEvery) ? catchUp(l, started) : fullCheck(l, started);
        } catch (LogClosedException deleted) {
            live.remove(name, l);
            throw ns.notFound(); // the config outlived a delete that closed the log (it crashed before removing it)
        }
    }

    /**
     * Reads the log forward from the state with GETs (one when nothing changed) and applies what it finds.
     *
     * @param started taken before the first GET
     * @throws LogClosedException when the namespace was deleted
     */
    private Live catchUp(Live l, long started) {
        List<LogEntry> tail = l.ns.log().readForward(l.state.seq());
        if (!tail.isEmpty() && tail.get(tail.size() - 1).kind() == LogEntry.Kind.DELETE) {
            throw new LogClosedException(l.ns.root(), tail.get(tail.size() - 1).seq());
        }
        apply(l, tail);
        l.checked(started, false);
        return l;
    }

    /**
     * Lists the log from the state on (the config was just read). It finds the head past a slot that a probe cannot
     * see behind: one GC collected while this instance was idle (the state is rebuilt from the manifests then), or one
     * that was lost (a slot missing inside the log is a corrupt log, which holds writes).
     */
    private Live fullCheck(Live l, long started) {
        long seen = l.state.seq();
        LogEntry head = l.ns.log().newestAtOrAfter(Math.max(1, seen));
        if (head.kind() == LogEntry.Kind.DELETE) {
            throw new LogClosedException(l.ns.root(), head.seq());
        }
        if (head.seq() > seen) {
            Optional<LogEntry> next = l.ns.log().entry(seen + 1);
            if (next.isPresent()) {
                apply(l, l.ns.log().entriesAfter(seen, head.seq()));
            } else {
                l.lock.writeLock().lock();
                try {
                    if (l.state.seq() < head.seq()) {
                        l.state = l.ns.load(head.seq());
                    }
                } finally {
                    l.lock.writeLock().unlock();
                }
            }
        }
        l.checked(started, true);
        return l;
    }

    /** Applies entries read after the state (those another request applied first are skipped), under the lock. */
    private void apply(Live l, List<LogEntry> tail) {
        if (tail.isEmpty()) {
            return;
        }
        l.lock.writeLock().lock();
        try {
            long at = l.state.seq();
            List<LogEntry> fresh = tail.stream().filter(e -> e.seq() > at).toList();
            if (fresh.isEmpty()) {
                return; // another request applied them first
            }
            LogEntry last = fresh.get(fresh.size() - 1);
            if (fresh.stream().anyMatch(e -> e.kind() == LogEntry.Kind.RESTORE)) {
                l.state = l.ns.load(last.seq()); // a restore replaces the state: rebuild rather than patch
            } else {
                VectorIndex index = l.state.index();
                for (LogEntry e : fresh) {
                    l.ns.apply(index, e);
                }
                l.state = new DurableNamespace.State(last.seq(), last.commitTs(), index);
            }
        } finally {
            l.lock.writeLock().unlock();
        }
    }

    void afterCommit(String name, DurableNamespace ns, LogEntry e) {
        Live l = live.get(name);
        if (l != null && l.ns.root().equals(ns.root())) {
            l.ownSeq.accumulateAndGet(e.seq(), Math::max); // this instance's eventual reads wait for it
        }
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
                boolean compacted =
                        r.outcome() == Indexer.Outcome.COMMITTED && r.manifest().count() >= 0;
                if (compacted && now - target.lastGc >= store.options().grace().toMillis()) {
                    // after a compaction, at most once per grace period: replaced segments become garbage
                    target.lastGc = now;
                    store.garbageCollector().collect(ns, now);
                }
            } catch (RuntimeException failed) {
                System.getLogger(NamespaceService.class.getName())
                        .log(
                                System.Logger.Level.WARNING,
                                "fold of namespace " + name + " failed; the log still holds every write",
                                failed);
            } finally {
                target.folding.set(false);
            }
        });
    }
}
