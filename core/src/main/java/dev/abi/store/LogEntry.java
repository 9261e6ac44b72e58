package dev.abi.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * One commit of the log, {@code log/{seq:020}.json}: a write (a WAL batch of {@code ops} operations), a restore
 * (the state becomes that of {@code restoreTo}), or the delete that closes the log of a deleted namespace (nothing
 * follows it). Written once, with create-if-absent; {@code commitTs} strictly increases with {@code seq}.
 */
public record LogEntry(
        long seq, Kind kind, String walKey, long walCrc, int ops, String writerId, long commitTs, long restoreTo) {

    /**
     * What a commit does. {@code DELETE} closes the log: its namespace incarnation was deleted, and no slot after it
     * is ever created, so an instance that reads the log forward learns of the deletion from the log alone.
     */
    public enum Kind {
        WRITE,
        RESTORE,
        DELETE
    }

    static LogEntry write(String walKey, long walCrc, int ops, String writerId) {
        return new LogEntry(-1, Kind.WRITE, walKey, walCrc, ops, writerId, 0, -1);
    }

    static LogEntry restore(long target, String writerId) {
        return new LogEntry(-1, Kind.RESTORE, null, 0, 0, writerId, 0, target);
    }

    static LogEntry delete(String writerId) {
        return new LogEntry(-1, Kind.DELETE, null, 0, 0, writerId, 0, -1);
    }

    LogEntry at(long newSeq, long newCommitTs) {
        return new LogEntry(newSeq, kind, walKey, walCrc, ops, writerId, newCommitTs, restoreTo);
    }

    /** Whether {@code other} is this same commit attempt (writer ids are unique per append), used after ambiguous outcomes. */
    boolean sameAttempt(LogEntry other) {
        return kind == other.kind && writerId.equals(other.writerId) && restoreTo == other.restoreTo;
    }

    byte[] toJson() {
        ObjectNode n = Checksums.newJson()
                .put("seq", seq)
                .put("kind", kind.name().toLowerCase(Locale.ROOT))
                .put("writerId", writerId)
                .put("commitTs", commitTs);
        if (kind == Kind.WRITE) {
            n.put("walKey", walKey).put("walCrc", walCrc).put("ops", ops);
        } else if (kind == Kind.RESTORE) {
            n.put("restoreTo", restoreTo);
        }
        return Checksums.sealJson(n);
    }

    static LogEntry fromJson(String key, byte[] bytes) {
        JsonNode n = Checksums.openJson(key, bytes);
        try {
            Kind kind = Kind.valueOf(n.required("kind").asText().toUpperCase(Locale.ROOT));
            return new LogEntry(
                    n.required("seq").asLong(),
                    kind,
                    kind == Kind.WRITE ? n.required("walKey").asText() : null,
                    kind == Kind.WRITE ? n.required("walCrc").asLong() : 0,
                    kind == Kind.WRITE ? n.required("ops").asInt() : 0,
                    n.required("writerId").asText(),
                    n.required("commitTs").asLong(),
                    kind == Kind.RESTORE ? n.required("restoreTo").asLong() : -1);
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(key, "malformed log entry: " + e.getMessage());
        }
    }
}
