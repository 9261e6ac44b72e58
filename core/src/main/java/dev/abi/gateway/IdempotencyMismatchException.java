package dev.abi.gateway;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;
import dev.abi.failure.FieldError;
import java.util.List;

/** An {@code Idempotency-Key} reused with a different request body (422). */
public final class IdempotencyMismatchException extends RuntimeException implements Classified {
    public IdempotencyMismatchException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.of(422, "idempotency-key-reused", "Idempotency key reused", getMessage())
                .withErrors(List.of(new FieldError("Idempotency-Key", getMessage())))
                .withCode("idempotency_key_reused");
    }
}
