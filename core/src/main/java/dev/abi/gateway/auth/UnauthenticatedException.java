package dev.abi.gateway.auth;

/** No credentials, or credentials that do not verify (401). The message says which, never echoing a secret. */
public final class UnauthenticatedException extends RuntimeException {
    public UnauthenticatedException(String message) {
        super(message);
    }
}
