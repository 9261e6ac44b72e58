package dev.abi.events;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;

/** An object that event-triggered indexing cannot ingest; the message names the object and why. */
public final class UnsupportedObjectException extends RuntimeException implements Classified {
    public UnsupportedObjectException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        // the object itself is at fault: delivering its event again cannot help
        return Failure.invalid(getMessage(), "key", getMessage()).withRetryable(false);
    }
}
