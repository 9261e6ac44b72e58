package dev.abi.gateway;

/**
 * An {@code Idempotency-Key} whose first request is still running, or whose reply cannot be replayed (it carried a
 * secret or was too large to record): 409, with what to do instead.
 */
public final class IdempotencyConflictException extends RuntimeException {
    public IdempotencyConflictException(String message) {
        super(message);
    }
}
