package dev.abi.namespace;

/** A documented feature that this build does not provide yet; the message says which and where it will come from. */
public final class NotImplementedYetException extends RuntimeException {
    public NotImplementedYetException(String message) {
        super(message);
    }
}
