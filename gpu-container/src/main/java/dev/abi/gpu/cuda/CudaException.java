package dev.abi.gpu.cuda;

/** A CUDA driver call failed: {@code code} is the {@code CUresult}, {@code errorName} its name. */
public class CudaException extends RuntimeException {

    private final int code;
    private final String errorName;

    public CudaException(String call, int code, String errorName) {
        super(call + " failed: " + errorName + " (" + code + ")");
        this.code = code;
        this.errorName = errorName;
    }

    public int code() {
        return code;
    }

    public String errorName() {
        return errorName;
    }
}
