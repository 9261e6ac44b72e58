package dev.abi.gateway;

/** The request body is over the configured limit. */
public final class PayloadTooLargeException extends RuntimeException {
    public PayloadTooLargeException(long size, long limit) {
        super("request body is " + (size < 0 ? "over the limit" : size + " bytes") + "; the limit is " + limit + " bytes");
    }
}
