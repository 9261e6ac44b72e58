package dev.abi.gateway.auth;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;
import java.util.Map;

/** No credentials, or credentials that do not verify (401). The message says which, never echoing a secret. */
public final class UnauthenticatedException extends RuntimeException implements Classified {
    public UnauthenticatedException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.of(401, "unauthorized", "Unauthorized", getMessage())
                .withHeaders(Map.of("WWW-Authenticate", "Bearer realm=\"abi\""))
                .withCode("invalid_api_key");
    }
}
