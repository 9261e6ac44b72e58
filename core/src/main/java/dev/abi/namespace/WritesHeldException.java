package dev.abi.namespace;

/**
 * The namespace refuses writes because its head cannot be read: a log entry or its WAL object failed verification.
 * Writes stay refused until an operator repairs that entry (docs/runbooks/repair.md), so that nothing is
 * acknowledged that no read could return.
 */
public final class WritesHeldException extends RuntimeException {

    private final String namespace;
    private final long seq;
    private final String key;

    public WritesHeldException(String namespace, NamespaceConfig.Hold hold) {
        super("namespace '" + namespace + "' refuses writes: version " + hold.seq() + " cannot be read (object '"
                + hold.key() + "' failed verification); an operator must quarantine it: POST /v1/admin/namespaces/"
                + namespace + "/repair {\"quarantine\":" + hold.seq()
                + "} or scripts/abi-repair (docs/runbooks/repair.md)");
        this.namespace = namespace;
        this.seq = hold.seq();
        this.key = hold.key();
    }

    public String namespace() {
        return namespace;
    }

    /** The unreadable log entry. */
    public long seq() {
        return seq;
    }

    /** The object that failed verification. */
    public String key() {
        return key;
    }
}
