package dev.abi.store;

import dev.abi.telemetry.MetricNames;
import dev.abi.telemetry.Telemetry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The write path of DESIGN-STORAGE.md for one namespace: put the WAL object, then create {@code log/{seq}} if absent,
 * trying the next slot on a conflict. A write is acknowledged (this method returns) only once its slot is created.
 *
 * <p>Outcomes that may have applied (a timeout, a 5xx) are resolved by reading the slot back and comparing the
 * writer and WAL key. Commit times strictly increase: {@code max(now, previous + 1 ms)}. A writer that stalled longer
 * than {@code walMaxAge} between its WAL put and its log put uploads the WAL again under a fresh key, so a garbage
 * collector (which deletes unreferenced WALs only after its grace period, at least twice that age) can never leave a
 * committed entry pointing at a deleted WAL. Instances are safe for concurrent use.
 */
public final class CommitLog {

    /** Conflicts tolerated per append before giving up with {@link CommitContentionException}. */
    public static final int MAX_CONFLICTS = 512;

    private static final int MAX_UNKNOWN_OUTCOMES = 5;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SLOT = Pattern.compile("\\d{20}\\.json");

    private final ObjectStore objects;
    private final String root;
    private final String writerId;
    private final Clock clock;
    private final long walMaxAgeMillis;
    private final long createdTs;
    private volatile LogEntry knownTail;
    private final AtomicLong attempts = new AtomicLong();

    /**
     * @param root the namespace prefix ending in {@code /}
     * @param createdTs commit time of version 0, the namespace's creation
     * @param walMaxAge at most half the GC grace period
     */
    public CommitLog(
            ObjectStore objects, String root, String writerId, Clock clock, Duration walMaxAge, long createdTs) {
        this.objects = objects;
        this.root = root;
        this.writerId = writerId;
        this.clock = clock;
        this.walMaxAgeMillis = walMaxAge.toMillis();
        this.createdTs = createdTs;
    }

    public String root() {
        return root;
    }

    /** Appends a batch of operations; returns its committed entry (the acknowledgement). */
    public LogEntry append(List<Operation> ops) {
        byte[] wal = WalCodec.encode(ops);
        long crc = Checksums.crc32c(wal);
        String attempt = attemptId();
        long[] walPutAt = {clock.millis()}; // taken before the put: a stall inside it counts
        LogEntry first = LogEntry.write(putWal(wal), crc, ops.size(), attempt);
        return claimSerialized(first, proposal -> {
            if (clock.millis() - walPutAt[0] <= walMaxAgeMillis) {
                return proposal;
            }
            walPutAt[0] = clock.millis();
            // the first copy may already be collected as an orphan: upload it again under a fresh key
            return LogEntry.write(putWal(wal), crc, ops.size(), attempt);
        });
    }

    /** Appends a restore: the state becomes that of {@code targetSeq}. Serialized with writes by the log itself. */
    public LogEntry appendRestore(long targetSeq) {
        return claimSerialized(LogEntry.restore(targetSeq, attemptId()), proposal -> proposal);
    }

    /**
     * Closes the log for a namespace delete: claims the next slot with a {@link LogEntry.Kind#DELETE} entry, after
     * which no write or restore is committed ({@link LogClosedException}). Idempotent: a log already closed answers
     * its delete entry.
     */
    public LogEntry close() {
        return claimSerialized(LogEntry.delete(attemptId()), proposal -> proposal);
    }

    /**
     * Writers of this instance claim slots one at a time: racing each other for the same slot would only cost failed
     * conditional puts and tail re-reads. WAL uploads still run in parallel, and other instances still race through
     * the conditional puts.
     */
    private final ReentrantLock claimLock = new ReentrantLock(true);

    private LogEntry claimSerialized(LogEntry proposal, UnaryOperator<LogEntry> beforeTry) {
        claimLock.lock();
        try {
            return claim(proposal, beforeTry);
        } finally {
            claimLock.unlock();
        }
    }

    /**
     * Claims the next free slot for {@code proposal}: conflicts move on to the slot after the new tail, unknown
     * outcomes retry the same slot (and read it back first). {@code beforeTry} may replace the proposal before each
     * try.
     */
    private LogEntry claim(LogEntry proposal, UnaryOperator<LogEntry> beforeTry) {
        LogEntry tail = knownTail != null ? knownTail : newestAtOrAfter(1);
        int unknown = 0;
        long ambiguousSeq = -1;
        for (int conflicts = 0; conflicts < MAX_CONFLICTS; ) {
            if (tail.kind() == LogEntry.Kind.DELETE) {
                if (proposal.kind() == LogEntry.Kind.DELETE) {
                    return tail; // closed already (by this delete's earlier try, or another's)
                }
                throw new LogClosedException(root, tail.seq());
            }
            proposal = beforeTry.apply(proposal);
            Claim claim = tryClaim(proposal, tail, ambiguousSeq);
            switch (claim.outcome) {
                case WON -> {
                    return claim.entry;
                }
                case LOST -> {
                    conflicts++;
                    Telemetry.metrics().count(MetricNames.COMMIT_CONFLICTS);
                    tail = newestAtOrAfter(claim.entry.seq());
                }
                case UNKNOWN -> {
                    if (++unknown > MAX_UNKNOWN_OUTCOMES) {
                        throw claim.failure;
                    }
                    ambiguousSeq = claim.entry.seq();
                    Telemetry.metrics().count(MetricNames.COMMIT_RETRIES, "stage", "log");
                    backoff(unknown);
                }
            }
        }
        Telemetry.metrics().count(MetricNames.COMMIT_FAILURES, "reason", "contention");
        throw new CommitContentionException(root, MAX_CONFLICTS);
    }

    private enum Outcome {
        WON,
        LOST,
        UNKNOWN
    }

    private record Claim(Outcome outcome, LogEntry entry, ObjectStoreException failure) {}

    /**
     * One try at slot {@code tail.seq() + 1}. When an earlier try at this same slot had an unknown outcome, a
     * conflict may be our own earlier put: the slot is read back before counting it as lost.
     */
    private Claim tryClaim(LogEntry proposal, LogEntry tail, long ambiguousSeq) {
        long seq = tail.seq() + 1;
        LogEntry entry = proposal.at(seq, Math.max(clock.millis(), tail.commitTs() + 1));
        try {
            objects.putIfAbsent(logKey(seq), entry.toJson());
            observe(entry);
            return new Claim(Outcome.WON, entry, null);
        } catch (PreconditionFailedException lost) {
            if (seq != ambiguousSeq) {
                return new Claim(Outcome.LOST, entry, null);
            }
            try {
                Optional<LogEntry> there = entry(seq);
                if (there.isPresent() && there.get().sameAttempt(entry)) {
                    observe(there.get());
                    return new Claim(Outcome.WON, there.get(), null);
                }
                return there.isPresent()
                        ? new Claim(Outcome.LOST, entry, null)
                        : new Claim(
                                Outcome.UNKNOWN,
                                entry,
                                new ObjectStoreException("slot " + seq + " reported taken but is empty", lost));
            } catch (ObjectStoreException stillDown) {
                return new Claim(Outcome.UNKNOWN, entry, stillDown);
            }
        } catch (ObjectStoreException ambiguous) {
            // The put may or may not have applied: read the slot back and compare.
            try {
                Optional<LogEntry> there = entry(seq);
                if (there.isEmpty()) {
                    return new Claim(Outcome.UNKNOWN, entry, ambiguous);
                }
                if (there.get().sameAttempt(entry)) {
                    observe(there.get());
                    return new Claim(Outcome.WON, there.get(), null);
                }
                return new Claim(Outcome.LOST, entry, null);
            } catch (ObjectStoreException stillDown) {
                return new Claim(Outcome.UNKNOWN, entry, ambiguous);
            }
        }
    }

    private String putWal(byte[] wal) {
        for (int attempt = 1; ; attempt++) {
            String key = root + "wal/" + WalKeys.unique() + ".bin";
            try {
                objects.putIfAbsent(key, wal);
                return key;
            } catch (PreconditionFailedException impossible) {
                // a fresh random key collided: take another
            } catch (ObjectStoreException e) {
                if (attempt >= MAX_UNKNOWN_OUTCOMES) {
                    throw e;
                }
                Telemetry.metrics().count(MetricNames.COMMIT_RETRIES, "stage", "wal");
                backoff(attempt);
            }
        }
    }

    /** A writer id unique to one append: this instance's id plus a counter. */
    private String attemptId() {
        return writerId + "#" + attempts.incrementAndGet();
    }

    /** Records an entry seen elsewhere (a read), so the next append starts from it. */
    public void observe(LogEntry entry) {
        LogEntry t = knownTail;
        if (t == null || entry.seq() > t.seq()) {
            knownTail = entry;
        }
    }

    /** The entry at {@code seq}; seq 0 is the namespace's creation. Empty when the slot is free (or collected). */
    public Optional<LogEntry> entry(long seq) {
        if (seq == 0) {
            return Optional.of(new LogEntry(0, LogEntry.Kind.WRITE, null, 0, 0, "create", createdTs, -1));
        }
        String key = logKey(seq);
        try {
            return objects.get(key).map(o -> LogEntry.fromJson(key, o.bytes()));
        } catch (CorruptObjectException e) {
            throw e.seq().isPresent() ? e : e.atSeq(seq);
        }
    }

    /**
     * The entries after {@code after}, read forward one slot at a time with GETs (no LIST), up to the first free slot
     * or a delete entry (which closes the log; it is the last one returned). When slot {@code after + 1} is free,
     * this costs one GET: the freshness check of a read.
     *
     * <p>A free slot ends the read. That proves {@code after} (or the last entry returned) was the head when the
     * slot was read only while no slot after it can have been collected or lost: slots are created in order, and
     * GC deletes none younger than its grace period, so the caller must have seen slot {@code after + 1} free (or
     * listed the log) less than half a grace period ago. Callers past that bound list the log instead.
     */
    public List<LogEntry> readForward(long after) {
        List<LogEntry> out = new ArrayList<>();
        for (long seq = after + 1; ; seq++) {
            Optional<LogEntry> e = entry(seq);
            if (e.isEmpty()) {
                break;
            }
            if (e.get().seq() != seq) {
                throw new CorruptObjectException(
                        logKey(seq),
                        seq,
                        "log slot holds the entry of seq " + e.get().seq());
            }
            out.add(e.get());
            if (e.get().kind() == LogEntry.Kind.DELETE) {
                break;
            }
        }
        if (!out.isEmpty()) {
            observe(out.get(out.size() - 1));
        }
        return out;
    }

    /** The newest entry, searching from {@code floor} (a seq known to exist or the next free one). */
    public LogEntry newestAtOrAfter(long floor) {
        long from = Math.max(1, floor);
        LogEntry t = knownTail;
        if (t != null && t.seq() >= from) {
            from = t.seq();
        }
        String last = null;
        String after = from <= 1 ? null : logKey(from - 1);
        while (true) {
            List<ObjectInfo> page = objects.list(root + "log/", after, 1000);
            if (page.isEmpty()) {
                break;
            }
            for (ObjectInfo info : page) {
                if (isSlot(info.key())) {
                    last = info.key();
                }
            }
            after = page.get(page.size() - 1).key();
            if (page.size() < 1000) {
                break;
            }
        }
        if (last == null) {
            if (from > 1) {
                // the hint was past the end; fall back to the one before it
                return entry(from - 1).orElseGet(() -> newestAtOrAfter(1));
            }
            return entry(0).orElseThrow();
        }
        long seq = seqOf(last);
        LogEntry e = entry(seq).orElseThrow(() -> new ObjectNotFoundException(logKeyOf(seq)));
        observe(e);
        return e;
    }

    /**
     * Entries {@code after+1 .. upTo}, in order. A missing slot inside the range is a corrupt log, never skipped.
     */
    public List<LogEntry> entriesAfter(long after, long upTo) {
        List<LogEntry> out = new ArrayList<>();
        String startAfter = after <= 0 ? null : logKey(after);
        long expected = after + 1;
        outer:
        while (expected <= upTo) {
            List<ObjectInfo> page = objects.list(root + "log/", startAfter, 1000);
            for (ObjectInfo info : page) {
                startAfter = info.key();
                if (!isSlot(info.key())) {
                    continue;
                }
                long seq = seqOf(info.key());
                if (seq > upTo) {
                    break outer;
                }
                if (seq != expected) {
                    throw new CorruptObjectException(
                            logKey(expected), expected, "log slot is missing (found " + seq + " next)");
                }
                LogEntry e = entry(seq).orElseThrow(() -> new CorruptObjectException(info.key(), seq, "vanished"));
                out.add(e);
                expected++;
            }
            if (page.size() < 1000) {
                break;
            }
        }
        if (!out.isEmpty()) {
            observe(out.get(out.size() - 1));
        }
        return out;
    }

    /** Seqs of every log entry present, ascending (metadata only). */
    public List<Long> listSeqs() {
        List<Long> out = new ArrayList<>();
        for (ObjectInfo info : objects.list(root + "log/")) {
            if (isSlot(info.key())) {
                out.add(seqOf(info.key()));
            }
        }
        return out;
    }

    /**
     * The largest seq whose commit time is at or before {@code timestamp}, searching the contiguous run of entries
     * that ends at the head. Empty when the time is before that run (before retention, or before creation).
     */
    public Optional<Long> seqAt(long timestamp) {
        List<Long> seqs = listSeqs();
        int lo = seqs.size() - 1;
        while (lo > 0 && seqs.get(lo - 1) == seqs.get(lo) - 1) {
            lo--;
        }
        long first = seqs.isEmpty() ? 0 : seqs.get(lo);
        long last = seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
        if (first == 1) {
            first = 0; // nothing collected yet: version 0 (creation) is still reachable
        }
        if (commitTs(first) > timestamp) {
            return Optional.empty();
        }
        long a = first;
        long b = last;
        while (a < b) {
            long mid = a + (b - a + 1) / 2;
            if (commitTs(mid) <= timestamp) {
                a = mid;
            } else {
                b = mid - 1;
            }
        }
        return Optional.of(a);
    }

    private long commitTs(long seq) {
        return entry(seq)
                .orElseThrow(() -> new ObjectNotFoundException(logKeyOf(seq)))
                .commitTs();
    }

    public String logKey(long seq) {
        return logKeyOf(seq);
    }

    private String logKeyOf(long seq) {
        return root + "log/" + String.format("%020d", seq) + ".json";
    }

    /** Whether a listed key is a log slot (emulators may list their temporary objects under the prefix). */
    private static boolean isSlot(String key) {
        return SLOT.matcher(key.substring(key.lastIndexOf('/') + 1)).matches();
    }

    private static long seqOf(String key) {
        int slash = key.lastIndexOf('/');
        return Long.parseLong(key.substring(slash + 1, key.length() - ".json".length()));
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(200, 5L << attempt) + RANDOM.nextInt(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted while retrying", e);
        }
    }
}
