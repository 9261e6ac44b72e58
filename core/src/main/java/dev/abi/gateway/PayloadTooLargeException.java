package dev.abi.gateway;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;

/** The request body is over the configured limit. */
public final class PayloadTooLargeException extends RuntimeException implements Classified {
    public PayloadTooLargeException(long size, long limit) {
        super("request body is " + (size < 0 ? "over the limit" : size + " bytes") + "; the limit is " + limit
                + " bytes");
    }

    @Override
    public Failure failure() {
        return Failure.of(413, "payload-too-large", "Payload too large", getMessage());
    }
}
