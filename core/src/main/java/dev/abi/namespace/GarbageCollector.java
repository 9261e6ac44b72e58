package dev.abi.namespace;

import dev.abi.store.LogEntry;
import dev.abi.store.Manifest;
import dev.abi.store.ObjectInfo;
import dev.abi.store.SegmentRef;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Deletes what no version inside the retention window and no tag can reach, once it is older than the grace period
 * by the time the store recorded for it (DESIGN-STORAGE.md, "Garbage collection").
 *
 * <p>Live: every version whose commit falls inside the window (the state at the window's start included), and every
 * tagged version. A version is reached through the newest manifest applied at or before it, the log entries after
 * that manifest and their WAL objects, and for a restore entry, the restored version in turn. Everything else under
 * the namespace's {@code wal/}, {@code log/}, {@code seg/} and {@code manifest/} is garbage once older than the grace
 * period, which covers orphans from crashed writers and fenced indexers. The newest manifest is always kept.
 */
final class GarbageCollector {

    /** What one run deleted and kept. */
    record Report(int deleted, int kept, long oldestRestorableSeq) {}

    private final Duration retention;
    private final Duration grace;

    GarbageCollector(Duration retention, Duration grace) {
        this.retention = retention;
        this.grace = grace;
    }

    Report collect(DurableNamespace ns, long now) {
        List<ObjectInfo> listed = ns.objects().list(ns.root());
        Manifest newest = ns.manifests().newest().orElseGet(() -> Indexer.genesis(ns));
        LogEntry head = ns.log().newestAtOrAfter(newest.appliedThroughSeq() + 1);
        Set<String> live = new HashSet<>();
        Set<Long> visited = new HashSet<>();
        live.add(ns.manifests().key(newest.version()));
        newest.segments().forEach(s -> live.add(s.key()));

        Optional<Long> windowStart = ns.log().seqAt(now - retention.toMillis());
        long oldest;
        if (windowStart.isEmpty()) {
            oldest = 0; // the whole history is inside the window: only orphans may go
            keepEverythingFrom(ns, 0, head.seq(), live, visited);
        } else {
            oldest = windowStart.get();
            keepEverythingFrom(ns, oldest, head.seq(), live, visited);
        }
        for (DurableNamespace.Tag tag : ns.tags()) {
            reach(ns, tag.seq(), live, visited);
        }

        long cutoff = now - grace.toMillis();
        int deleted = 0;
        int kept = 0;
        for (ObjectInfo info : listed) {
            String rest = info.key().substring(ns.root().length());
            boolean collectable = rest.startsWith("wal/")
                    || rest.startsWith("log/")
                    || rest.startsWith("seg/")
                    || rest.startsWith("manifest/");
            if (collectable
                    && !live.contains(info.key())
                    && !live.contains(segmentOfPart(info.key()))
                    && info.lastModified() < cutoff) {
                ns.objects().delete(info.key());
                deleted++;
            } else {
                kept++;
            }
        }
        return new Report(deleted, kept, oldest);
    }

    /** The header key a clustered segment's part belongs to ({@code x.bin.c0} to {@code x.bin}), else the key. */
    static String segmentOfPart(String key) {
        int bin = key.lastIndexOf(".bin.");
        return bin < 0 ? key : key.substring(0, bin + ".bin".length());
    }

    /** Keeps every version from {@code from} to {@code head}: one base manifest, all newer ones, the log after it. */
    private void keepEverythingFrom(DurableNamespace ns, long from, long head, Set<String> live, Set<Long> visited) {
        Manifest base = ns.manifests().atOrBefore(from).orElse(null);
        long baseApplied = base == null ? 0 : base.appliedThroughSeq();
        for (Manifest m : ns.manifests().all()) {
            if (base == null || m.version() >= base.version()) {
                live.add(ns.manifests().key(m.version()));
                m.segments().forEach(s -> live.add(s.key()));
            }
        }
        for (LogEntry e : ns.log().entriesAfter(baseApplied, head)) {
            keepEntry(ns, e, live, visited);
        }
    }

    /** Keeps what rebuilding the state after {@code seq} reads. */
    private void reach(DurableNamespace ns, long seq, Set<String> live, Set<Long> visited) {
        if (!visited.add(seq)) {
            return;
        }
        Manifest m = ns.manifests().atOrBefore(seq).orElse(null);
        if (m != null) {
            live.add(ns.manifests().key(m.version()));
            for (SegmentRef s : m.segments()) {
                live.add(s.key());
            }
        }
        for (LogEntry e : ns.log().entriesAfter(m == null ? 0 : m.appliedThroughSeq(), seq)) {
            keepEntry(ns, e, live, visited);
        }
    }

    private void keepEntry(DurableNamespace ns, LogEntry e, Set<String> live, Set<Long> visited) {
        live.add(ns.log().logKey(e.seq()));
        if (e.kind() == LogEntry.Kind.WRITE) {
            live.add(e.walKey());
        } else if (e.kind() == LogEntry.Kind.RESTORE) {
            reach(ns, e.restoreTo(), live, visited);
        }
    }
}
