package dev.abi.namespace;

import dev.abi.store.LogEntry;
import dev.abi.store.PreconditionFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The history of {@link NamespaceService}: the versions the log holds, named snapshots (tags GC keeps) and restores,
 * each a new commit ordered with writes by the log.
 */
public final class NamespaceHistory {

    private final LiveStates states;

    NamespaceHistory(LiveStates states) {
        this.states = states;
    }

    /** Commits newest first: at most {@code limit}, all below {@code before} when it is set. */
    public List<NamespaceService.VersionInfo> versions(String name, int limit, Long before) {
        DurableNamespace ns = states.open(name);
        long head = ns.log()
                .newestAtOrAfter(
                        ns.manifests().newest().map(m -> m.appliedThroughSeq()).orElse(0L) + 1)
                .seq();
        long top = before == null ? head : Math.min(head, before - 1);
        List<NamespaceService.VersionInfo> out = new ArrayList<>();
        for (long seq = top; seq >= 0 && out.size() < limit; seq--) {
            Optional<LogEntry> e = ns.log().entry(seq);
            if (e.isEmpty()) {
                break; // collected: history ends here
            }
            LogEntry entry = e.get();
            out.add(new NamespaceService.VersionInfo(
                    seq,
                    entry.commitTs(),
                    entry.ops(),
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
    public NamespaceService.SnapshotInfo snapshot(String name, String snapshot, Long version) {
        DurableNamespace ns = states.open(name);
        long head = ns.head().seq();
        long seq = version == null ? head : version;
        if (!ns.reachable(seq, head)) {
            throw new VersionNotFoundException(name, seq);
        }
        LogEntry at = ns.log().entry(seq).orElseThrow(() -> new VersionNotFoundException(name, seq));
        try {
            DurableNamespace.Tag t = ns.tag(snapshot, at);
            return new NamespaceService.SnapshotInfo(t.name(), t.seq(), t.commitTs());
        } catch (PreconditionFailedException taken) {
            throw new SnapshotExistsException(name, snapshot);
        }
    }

    public List<NamespaceService.SnapshotInfo> snapshots(String name) {
        return states.open(name).tags().stream()
                .map(t -> new NamespaceService.SnapshotInfo(t.name(), t.seq(), t.commitTs()))
                .toList();
    }

    /** Restores to a version. The restore is a new commit, ordered with writes by the log. */
    public NamespaceService.RestoreResult restoreToVersion(String name, long version) {
        DurableNamespace ns = states.open(name);
        ns.refuseWritesIfHeld();
        if (!ns.reachable(version, ns.head().seq())) {
            throw new VersionNotFoundException(name, version);
        }
        LogEntry e = ns.appendRestore(version);
        states.afterCommit(name, ns, e);
        return new NamespaceService.RestoreResult(version, e.seq());
    }

    /** Restores to the newest version committed at or before {@code epochMillis}. */
    public NamespaceService.RestoreResult restoreToTime(String name, long epochMillis) {
        return restoreToVersion(name, states.seqAt(name, states.open(name), epochMillis));
    }

    /** Restores to a snapshot's version. */
    public NamespaceService.RestoreResult restoreToSnapshot(String name, String snapshot) {
        DurableNamespace ns = states.open(name);
        DurableNamespace.Tag tag = ns.tag(snapshot).orElseThrow(() -> new SnapshotNotFoundException(name, snapshot));
        return restoreToVersion(name, tag.seq());
    }
}
