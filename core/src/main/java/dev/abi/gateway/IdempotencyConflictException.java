package dev.abi.gateway;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;
import dev.abi.failure.FieldError;
import java.util.List;

/**
 * An {@code Idempotency-Key} whose first request is still running, or whose reply cannot be replayed (it carried a
 * secret or was too large to record): 409, with what to do instead.
 */
public final class IdempotencyConflictException extends RuntimeException implements Classified {
    public IdempotencyConflictException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.of(409, "idempotency-conflict", "Idempotency key conflict", getMessage())
                .withErrors(List.of(new FieldError("Idempotency-Key", getMessage())))
                .withCode("idempotency_conflict");
    }
}
