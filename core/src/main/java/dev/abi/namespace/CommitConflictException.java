package dev.abi.namespace;

/** Another writer committed first; the caller reloads and tries again. */
public final class CommitConflictException extends RuntimeException {
    public CommitConflictException(String namespace, long expectedVersion) {
        super("namespace '" + namespace + "' moved past version " + expectedVersion);
    }
}
