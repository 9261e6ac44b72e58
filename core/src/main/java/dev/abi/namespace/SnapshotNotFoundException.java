package dev.abi.namespace;

/** The namespace has no snapshot (tag) of this name. */
public final class SnapshotNotFoundException extends RuntimeException {
    public SnapshotNotFoundException(String namespace, String snapshot) {
        super("namespace '" + namespace + "' has no snapshot '" + snapshot + "'");
    }
}
