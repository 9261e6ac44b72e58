package dev.abi.gateway;

/** Request headers larger in total than the gateway accepts (431). */
public final class HeadersTooLargeException extends RuntimeException {
    public HeadersTooLargeException(long bytes, long limit) {
        super("request headers are " + bytes + " bytes; the limit is " + limit);
    }
}
