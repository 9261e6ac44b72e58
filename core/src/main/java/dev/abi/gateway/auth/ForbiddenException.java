package dev.abi.gateway.auth;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;

/** Valid credentials without the role the route needs (403). */
public final class ForbiddenException extends RuntimeException implements Classified {
    public ForbiddenException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.of(403, "forbidden", "Forbidden", getMessage()).withCode("forbidden");
    }
}
