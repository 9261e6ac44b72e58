package dev.abi.namespace;

/** A write kept losing the commit race to other writers and gave up; nothing was acknowledged, retry later. */
public final class ConcurrentWriteException extends RuntimeException {
    public ConcurrentWriteException(String namespace, int attempts) {
        super("namespace '" + namespace + "' is being written by others; gave up after " + attempts + " attempts");
    }
}
