package dev.abi.namespace;

import dev.abi.store.IndexerLease;
import dev.abi.store.LogEntry;
import dev.abi.store.Manifest;
import dev.abi.store.Operation;
import dev.abi.store.SegmentRef;
import dev.abi.telemetry.MetricNames;
import dev.abi.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Folds a namespace's log into immutable segments and commits the next manifest, holding a fenced lease.
 *
 * <p>A fold writes one delta segment with the net operations of the new log entries; after {@code maxDeltas} deltas
 * it compacts them into one base segment. A restore entry costs no copy: the manifest points at the segments of the
 * restored version. An indexer that takes the lease with a new epoch first commits a fence manifest, so an indexer
 * of an older epoch that wakes up finds its version taken and stops: it can leave orphan segments (collected after
 * the grace period) but never commit.
 *
 * <p>The lease is short ({@link NamespaceStore.Options#DEFAULTS}: 30 seconds), so that another instance takes over
 * soon from a holder that died; a live holder renews it while it folds ({@link LeaseKeeper}), and stops before
 * committing if it was lost all the same ({@link Outcome#LEASE_LOST}).
 */
final class Indexer {

    /** What a fold did. */
    enum Outcome {
        COMMITTED,
        UP_TO_DATE,
        LEASE_HELD,
        FENCED,
        LEASE_LOST
    }

    /** The outcome, and the manifest that is newest afterwards (when known). */
    record Result(Outcome outcome, Manifest manifest) {}

    private final IndexerLease lease;
    private final String owner;
    private final Duration ttl;
    private final int maxDeltas;
    private final Clock clock;

    Indexer(IndexerLease lease, String owner, Duration ttl, int maxDeltas) {
        this(lease, owner, ttl, maxDeltas, Clock.systemUTC());
    }

    /** @param clock decides when the lease is due for renewal (the lease store decides when it expires) */
    Indexer(IndexerLease lease, String owner, Duration ttl, int maxDeltas, Clock clock) {
        this.lease = lease;
        this.owner = owner;
        this.ttl = ttl;
        this.maxDeltas = maxDeltas;
        this.clock = clock;
    }

    Result fold(DurableNamespace ns) {
        return fold(ns, false);
    }

    /** As {@link #fold(DurableNamespace)}; with {@code compact}, every segment is compacted into one. */
    Result fold(DurableNamespace ns, boolean compact) {
        long newestEpoch = ns.manifests().newest().map(Manifest::epoch).orElse(0L);
        OptionalLong acquired = lease.tryAcquire(ns.root(), owner, ttl, newestEpoch + 1);
        if (acquired.isEmpty()) {
            return new Result(Outcome.LEASE_HELD, null);
        }
        try (LeaseKeeper keeper = new LeaseKeeper(lease, ns.root(), owner, ttl, acquired.getAsLong(), clock)) {
            long started = System.nanoTime();
            Result result = foldAs(ns, acquired.getAsLong(), compact, keeper);
            Telemetry.metrics()
                    .record(
                            MetricNames.INDEX_FOLDS,
                            Telemetry.since(started),
                            "outcome",
                            result.outcome().name().toLowerCase(java.util.Locale.ROOT));
            return result;
        }
    }

    /** One fold under {@code epoch} (package-visible so tests can drive a paused, older indexer). */
    Result foldAs(DurableNamespace ns, long epoch) {
        return foldAs(ns, epoch, false, null);
    }

    /** @param keeper renews the lease between steps; null for a fold that holds no lease (tests) */
    private Result foldAs(DurableNamespace ns, long epoch, boolean compact, LeaseKeeper keeper) {
        Manifest current = ns.manifests().newest().orElseGet(() -> genesis(ns));
        if (current.epoch() > epoch) {
            return new Result(Outcome.FENCED, current);
        }
        LogEntry head = ns.log().newestAtOrAfter(current.appliedThroughSeq() + 1);
        boolean newEpoch = current.epoch() < epoch;
        boolean compacted = current.segments().size() == 1
                && !Segments.DELTA.equals(current.segments().get(0).kind());
        if (head.seq() <= current.appliedThroughSeq() && !newEpoch && !(compact && !compacted)) {
            return new Result(Outcome.UP_TO_DATE, current);
        }
        Plan plan = head.seq() <= current.appliedThroughSeq()
                ? new Plan(current.segments(), Map.of())
                : plan(ns, current, head.seq());
        if (keeper != null && !keeper.renewIfDue()) {
            return new Result(Outcome.LEASE_LOST, current);
        }
        List<SegmentRef> segments;
        int count = -1;
        long deltas = plan.base().stream()
                        .filter(s -> Segments.DELTA.equals(s.kind()))
                        .count()
                + (plan.net().isEmpty() ? 0 : 1);
        if (deltas > maxDeltas
                || (compact && (!plan.base().isEmpty() || !plan.net().isEmpty()))) {
            // compact: one base segment with the whole state, and no delta written just to be replaced
            // no background build while the net operations go in: writeBase builds the graph once, in parallel
            long compactionStart = System.nanoTime();
            var state = Segments.load(
                    ns.objects(),
                    plan.base(),
                    ns.config().dimension(),
                    ns.config().metric(),
                    Integer.MAX_VALUE);
            Segments.apply(state, List.copyOf(plan.net().values()));
            segments = List.of(
                    Segments.writeBase(ns.objects(), ns.root(), state, ns.graphThreshold(), ns.clusterThreshold()));
            count = state.size();
            Telemetry.metrics().record(MetricNames.COMPACTIONS, Telemetry.since(compactionStart));
        } else {
            segments = materialize(ns, plan);
        }
        long applied = Math.max(head.seq(), current.appliedThroughSeq());
        long commitTs = head.seq() <= current.appliedThroughSeq() ? current.commitTs() : head.commitTs();
        Manifest next = new Manifest(current.version() + 1, epoch, applied, commitTs, segments, count);
        if (keeper != null && !keeper.renewIfDue()) {
            return new Result(Outcome.LEASE_LOST, current); // its segments are orphans now, collected after grace
        }
        if (ns.manifests().commit(next)) {
            return new Result(Outcome.COMMITTED, next);
        }
        Manifest winner = ns.manifests().newest().orElse(current);
        return new Result(winner.epoch() > epoch ? Outcome.FENCED : Outcome.UP_TO_DATE, winner);
    }

    /** Segments to start from, and the net operations (last one per id wins) to apply over them. */
    private record Plan(List<SegmentRef> base, Map<String, Operation> net) {}

    /**
     * How to hold the state after {@code seq}, built on manifest {@code from} (applied at or before it): its
     * segments plus the net operations after it; for a restore, the target's segments instead.
     */
    private Plan plan(DurableNamespace ns, Manifest from, long seq) {
        if (from.appliedThroughSeq() == seq) {
            return new Plan(from.segments(), Map.of());
        }
        List<LogEntry> entries = ns.log().entriesAfter(from.appliedThroughSeq(), seq);
        int lastRestore = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).kind() == LogEntry.Kind.RESTORE) {
                lastRestore = i;
            }
        }
        List<SegmentRef> base;
        if (lastRestore >= 0) {
            long target = entries.get(lastRestore).restoreTo();
            Manifest targetFrom = ns.manifests().atOrBefore(target).orElseGet(() -> genesis(ns));
            base = materialize(ns, plan(ns, targetFrom, target));
            entries = entries.subList(lastRestore + 1, entries.size());
        } else {
            base = from.segments();
        }
        Map<String, Operation> net = new LinkedHashMap<>();
        for (LogEntry e : entries) {
            for (Operation op : ns.opsOf(e)) {
                net.remove(op.id());
                net.put(op.id(), op);
            }
        }
        return new Plan(base, net);
    }

    /** The plan's segments, writing its net operations as one delta segment when there are any. */
    private static List<SegmentRef> materialize(DurableNamespace ns, Plan plan) {
        if (plan.net().isEmpty()) {
            return plan.base();
        }
        List<SegmentRef> out = new ArrayList<>(plan.base());
        out.add(Segments.writeDelta(ns.objects(), ns.root(), plan.net().values()));
        return out;
    }

    static Manifest genesis(DurableNamespace ns) {
        return new Manifest(0, 0, 0, ns.config().createdTs(), List.of(), 0);
    }
}
