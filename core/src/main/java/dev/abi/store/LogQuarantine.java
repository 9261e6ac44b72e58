package dev.abi.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Takes one log entry out of a namespace's history without touching the entries after it: copies the log object and
 * its WAL object, as stored, under {@code {root}quarantine/{seq:020}-{id}/}, then replaces the slot with an empty
 * write (a valid, empty WAL batch), so the chain of slots stays contiguous and every later entry stays readable.
 *
 * <p>The replacement keeps the commit time of the original when its log object is readable, and otherwise takes the
 * one after the previous entry's, so commit times still strictly increase. The slot is swapped with compare-and-swap
 * on the etag that was copied (or created if the slot is missing), so a repair never replaces what it did not copy.
 * The original WAL object is left where it was: unreferenced now, GC collects it after the grace period. Nothing
 * collects {@code quarantine/}.
 */
public final class LogQuarantine {

    /** The entry replacing a quarantined one is written by this writer id (plus the quarantine's id). */
    public static final String WRITER = "quarantine";

    /**
     * What a quarantine did.
     *
     * @param prefix where the copies went, ending in {@code /}
     * @param copied the keys of the copies (the log object and the WAL object, when they existed)
     * @param replacement the entry now in the slot
     */
    public record Result(long seq, String prefix, List<String> copied, LogEntry replacement) {}

    private final ObjectStore objects;
    private final CommitLog log;
    private final Clock clock;

    public LogQuarantine(ObjectStore objects, CommitLog log, Clock clock) {
        this.objects = objects;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Quarantines the entry at {@code seq} (at least 1), with {@code reason} recorded beside the copies.
     *
     * @throws PreconditionFailedException when the slot changed after it was copied (nothing was replaced)
     */
    public Result quarantine(long seq, String reason) {
        if (seq < 1) {
            throw new IllegalArgumentException("version " + seq + " is not a log entry (the first is 1)");
        }
        String id = WalKeys.unique();
        String prefix = log.root() + "quarantine/" + String.format("%020d", seq) + "-" + id + "/";
        String logKey = log.logKey(seq);
        Optional<StoredObject> stored = objects.get(logKey);
        Optional<LogEntry> original = stored.flatMap(o -> parse(logKey, o.bytes()));
        List<String> copied = new ArrayList<>();
        stored.ifPresent(o -> copied.add(copy(o.bytes(), prefix + "log.json")));
        original.filter(e -> e.kind() == LogEntry.Kind.WRITE && e.walKey() != null)
                .flatMap(e -> objects.get(e.walKey()))
                .ifPresent(w -> copied.add(copy(w.bytes(), prefix + "wal.bin")));
        objects.putIfAbsent(
                prefix + "reason.json",
                Checksums.sealJson(Checksums.newJson()
                        .put("seq", seq)
                        .put("logKey", logKey)
                        .put(
                                "kind",
                                original.map(e -> e.kind().name().toLowerCase(Locale.ROOT))
                                        .orElse("unknown"))
                        .put("walKey", original.map(LogEntry::walKey).orElse(null))
                        .put("reason", reason)
                        .put("quarantinedAt", clock.millis())));

        byte[] empty = WalCodec.encode(List.of());
        String walKey = log.root() + "wal/" + WalKeys.unique() + ".bin";
        objects.putIfAbsent(walKey, empty);
        long commitTs = original.map(LogEntry::commitTs).orElseGet(() -> commitTsAfterPrevious(seq));
        LogEntry replacement = LogEntry.write(walKey, Checksums.crc32c(empty), 0, WRITER + "#" + id)
                .at(seq, commitTs);
        if (stored.isPresent()) {
            objects.putIfMatch(logKey, replacement.toJson(), stored.get().etag());
        } else {
            objects.putIfAbsent(logKey, replacement.toJson());
        }
        return new Result(seq, prefix, List.copyOf(copied), replacement);
    }

    /** Whether {@code e} is an entry a quarantine wrote. */
    public static boolean isReplacement(LogEntry e) {
        return e.writerId() != null && e.writerId().startsWith(WRITER + "#");
    }

    private String copy(byte[] bytes, String key) {
        objects.putIfAbsent(key, bytes);
        return key;
    }

    /** One millisecond after the previous entry's commit; the next entry's is at least one more, so order holds. */
    private long commitTsAfterPrevious(long seq) {
        try {
            return log.entry(seq - 1)
                            .orElseThrow(() -> new ObjectNotFoundException(log.logKey(seq - 1)))
                            .commitTs()
                    + 1;
        } catch (CorruptObjectException | ObjectNotFoundException previousUnknown) {
            // the previous entry is unreadable too (or collected): one millisecond before the next one
            LogEntry next = log.entry(seq + 1)
                    .orElseThrow(() -> new CorruptObjectException(
                            log.logKey(seq),
                            seq,
                            "neither neighbour of this slot is readable: repair version " + (seq - 1) + " first"));
            return next.commitTs() - 1;
        }
    }

    private static Optional<LogEntry> parse(String key, byte[] bytes) {
        try {
            return Optional.of(LogEntry.fromJson(key, bytes));
        } catch (CorruptObjectException unreadable) {
            return Optional.empty();
        }
    }
}
