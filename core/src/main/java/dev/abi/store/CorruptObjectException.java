package dev.abi.store;

/** An object's checksum or format did not verify on read. */
public final class CorruptObjectException extends RuntimeException {

    public CorruptObjectException(String key, String message) {
        super(key + ": " + message);
    }
}
