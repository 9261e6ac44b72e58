package dev.abi.namespace;

/** The namespace exists with another dimension or metric. */
public final class NamespaceConflictException extends RuntimeException {
    public NamespaceConflictException(String message) {
        super(message);
    }
}
