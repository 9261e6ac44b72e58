package dev.abi.gateway;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;

/** Request headers larger in total than the gateway accepts (431). */
public final class HeadersTooLargeException extends RuntimeException implements Classified {
    public HeadersTooLargeException(long bytes, long limit) {
        super("request headers are " + bytes + " bytes; the limit is " + limit);
    }

    @Override
    public Failure failure() {
        return Failure.of(431, "headers-too-large", "Request headers too large", getMessage());
    }
}
