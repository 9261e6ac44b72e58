package dev.abi.store;

/** A conditional write lost: the key already existed, or its etag was not the expected one. Nothing was written. */
public final class PreconditionFailedException extends RuntimeException {

    private final String key;

    public PreconditionFailedException(String key, String message) {
        super(message + ": " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
