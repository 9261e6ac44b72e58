package dev.abi.gpu.cuda;

/**
 * No usable GPU: the driver library is missing, or it reports no device. The message is the reason that
 * {@code /health} shows and that the GPU routes' 503 problem bodies carry.
 */
public class GpuUnavailableException extends RuntimeException {

    public GpuUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
