package dev.abi.failure;

/**
 * An exception of a layer above the domain (HTTP, events) that knows its own classification, so that {@link
 * Failures} need not import that layer.
 */
public interface Classified {

    /** How this failure is answered. */
    Failure failure();
}
