package dev.abi.store;

/**
 * The commit log of a namespace incarnation ends in a delete entry ({@link LogEntry.Kind#DELETE}): the namespace was
 * deleted, and nothing may be committed to this incarnation any more. The namespace layer answers it as a namespace
 * that does not exist.
 */
public final class LogClosedException extends RuntimeException {

    private final String root;
    private final long seq;

    public LogClosedException(String root, long seq) {
        super("the log under " + root + " was closed by a namespace delete at seq " + seq);
        this.root = root;
        this.seq = seq;
    }

    /** The namespace prefix whose log is closed. */
    public String root() {
        return root;
    }

    /** The seq of the delete entry. */
    public long seq() {
        return seq;
    }
}
