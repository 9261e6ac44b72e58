package dev.abi.gateway;

/** An {@code Idempotency-Key} reused with a different request body (422). */
public final class IdempotencyMismatchException extends RuntimeException {
    public IdempotencyMismatchException(String message) {
        super(message);
    }
}
