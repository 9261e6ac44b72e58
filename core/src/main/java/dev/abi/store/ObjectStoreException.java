package dev.abi.store;

/** The object store failed for a reason other than a lost condition (I/O, network, permissions). */
public final class ObjectStoreException extends RuntimeException {

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
