package dev.abi.events;

/** An object that event-triggered indexing cannot ingest; the message names the object and why. */
public final class UnsupportedObjectException extends RuntimeException {
    public UnsupportedObjectException(String message) {
        super(message);
    }
}
