package dev.abi.namespace;

/** A snapshot (tag) of this name exists already; tags are immutable. */
public final class SnapshotExistsException extends RuntimeException {
    public SnapshotExistsException(String namespace, String snapshot) {
        super("namespace '" + namespace + "' already has a snapshot '" + snapshot + "'; snapshots are immutable,"
                + " pick another name");
    }
}
