package dev.abi.store;

import java.util.OptionalLong;

/**
 * An object's checksum or format did not verify on read. Names the object and, when it is a log entry or the WAL
 * object of one, that entry's seq; never a wrong answer.
 */
public final class CorruptObjectException extends RuntimeException {

    private final String key;
    private final long seq;

    public CorruptObjectException(String key, String message) {
        this(key, -1, message);
    }

    /**
     * @param seq the log seq whose entry or WAL object {@code key} is, or -1 when it belongs to no single entry
     */
    public CorruptObjectException(String key, long seq, String message) {
        super(key + ": " + message);
        this.key = key;
        this.seq = seq;
    }

    /** The object that failed to verify. */
    public String key() {
        return key;
    }

    /** The log entry the object belongs to (its log object or its WAL), when it belongs to one. */
    public OptionalLong seq() {
        return seq < 0 ? OptionalLong.empty() : OptionalLong.of(seq);
    }

    /** The same failure, attributed to log entry {@code seq}. */
    public CorruptObjectException atSeq(long entrySeq) {
        String message = getMessage().substring(key.length() + 2);
        CorruptObjectException e = new CorruptObjectException(key, entrySeq, message);
        e.initCause(this);
        return e;
    }
}
