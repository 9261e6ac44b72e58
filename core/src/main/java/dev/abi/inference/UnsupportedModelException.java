package dev.abi.inference;

/**
 * A well-formed model that needs something this release has not built yet (an architecture, a tokenizer, a tensor
 * type); the message says what.
 */
public final class UnsupportedModelException extends RuntimeException {

    public UnsupportedModelException(String message) {
        super(message);
    }
}
