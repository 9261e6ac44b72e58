package dev.abi.inference;

/** A generation model was asked for embeddings, or the other way round. Maps to 400 with {@code param: model}. */
public final class WrongModelKindException extends RuntimeException {
    public WrongModelKindException(String message) {
        super(message);
    }
}
