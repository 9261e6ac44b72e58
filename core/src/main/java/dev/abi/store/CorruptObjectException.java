package dev.abi.store;

/** An object's checksum or format did not verify on read. Names the object; never a wrong answer. */
public final class CorruptObjectException extends RuntimeException {

    private final String key;

    public CorruptObjectException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The object that failed to verify. */
    public String key() {
        return key;
    }
}
