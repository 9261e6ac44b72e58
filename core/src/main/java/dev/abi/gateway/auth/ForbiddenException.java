package dev.abi.gateway.auth;

/** Valid credentials without the role the route needs (403). */
public final class ForbiddenException extends RuntimeException {
    public ForbiddenException(String message) {
        super(message);
    }
}
