package dev.abi.namespace;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.LogQuarantine;
import dev.abi.vector.VectorIndex;
import java.util.List;
import java.util.Optional;

/**
 * The maintenance of {@link NamespaceService}: folds and compactions on demand, garbage collection, and the repair of
 * an unreadable log entry. Normally folds run after writes on the maintenance executor.
 */
public final class NamespaceMaintenance {

    private final NamespaceStore store;
    private final LiveStates states;
    private final NamespaceRepair repairs;

    NamespaceMaintenance(NamespaceStore store, LiveStates states, NamespaceRepair repairs) {
        this.store = store;
        this.states = states;
        this.repairs = repairs;
    }

    /** Folds the log into segments now (normally triggered by writes); returns the outcome's name. */
    public String fold(String name) {
        DurableNamespace ns = states.open(name);
        return states.holdingOnCorruption(ns, () -> store.indexer().fold(ns))
                .outcome()
                .name();
    }

    /**
     * Folds the log and compacts every segment into one now, whatever the delta count: a graph segment past the
     * graph threshold, so cold instances open one segment and search its graph at once. Returns the outcome's name.
     */
    public String compact(String name) {
        DurableNamespace ns = states.open(name);
        return states.holdingOnCorruption(ns, () -> store.indexer().fold(ns, true))
                .outcome()
                .name();
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
    public NamespaceService.RepairResult repair(String name, long version, boolean force) {
        Optional<LogQuarantine.Result> r = repairs.quarantine(states.open(name), version, force);
        if (r.isPresent()) {
            commitRebuild(name);
        }
        states.forget(name);
        String problem = null;
        try {
            states.current(name);
        } catch (CorruptObjectException stillUnreadable) {
            problem = stillUnreadable.getMessage();
        }
        return new NamespaceService.RepairResult(
                version, r.isPresent(), r.map(LogQuarantine.Result::copied).orElse(List.of()), problem);
    }

    /**
     * After a quarantine, commits a restore to the head: reads check only the log, so this entry is what makes every
     * instance rebuild its cached state on its next read (one that had applied the quarantined batch drops it). When
     * it cannot be committed, instances rebuild at their next full check instead (at most {@link
     * ReadPolicy#fullCheckEvery()} later).
     */
    private void commitRebuild(String name) {
        try {
            DurableNamespace ns = states.open(name);
            ns.appendRestore(ns.head().seq());
        } catch (RuntimeException e) {
            System.getLogger(NamespaceMaintenance.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "namespace "
                                    + name
                                    + ": the restore to the head that tells every instance to rebuild after a repair was not"
                                    + " committed (" + e.getMessage()
                                    + "); instances rebuild at their next full check");
        }
    }

    /** Whether this instance searches the head state of {@code name} through an HNSW graph (else an exact scan). */
    public boolean usesGraph(String name) {
        VectorIndex index = states.current(name).state.index();
        return index instanceof dev.abi.vector.LayeredVectorIndex
                || index instanceof dev.abi.vector.AdaptiveVectorIndex a && a.usesGraph();
    }

    /** The newest seq that segments hold (the newest manifest's {@code appliedThroughSeq}); freshness is the gap. */
    public long indexedThrough(String name) {
        return states.open(name)
                .manifests()
                .newest()
                .map(m -> m.appliedThroughSeq())
                .orElse(0L);
    }

    /** Runs garbage collection on one namespace now; returns how many objects it deleted. */
    public int collectGarbage(String name) {
        DurableNamespace ns = states.open(name);
        return store.garbageCollector().collect(ns, store.clock().millis()).deleted();
    }
}
