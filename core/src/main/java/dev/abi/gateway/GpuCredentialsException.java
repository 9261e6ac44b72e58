package dev.abi.gateway;

/**
 * No credential for the GPU service could be had (its source failed or answered something unusable). The message
 * says why and never holds a credential; {@link GpuRouting} counts it against its breaker and answers on the CPU.
 */
public class GpuCredentialsException extends RuntimeException {

    public GpuCredentialsException(String message) {
        super(message);
    }

    public GpuCredentialsException(String message, Throwable cause) {
        super(message, cause);
    }
}
