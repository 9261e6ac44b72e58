package dev.abi.inference;

/** A model file is malformed, truncated or hostile; the message names the file and what is wrong. */
public final class ModelFormatException extends RuntimeException {

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
