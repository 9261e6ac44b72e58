package dev.abi.inference;

/**
 * How a {@link LlamaSession}'s KV cache holds the keys and values of past positions ({@link LlamaModel.Builder#kvCache}).
 */
public enum KvCacheType {
    /**
     * IEEE half precision, 2 bytes an element: llama.cpp's default cache type, and ours. The query is rounded to
     * half precision for the key dot products and the attention weights for the value sum, as ggml's F16 matrix
     * products round their float operand, so greedy outputs match llama.cpp's.
     */
    F16(2),
    /** Single precision, 4 bytes an element: no rounding anywhere in attention; twice the memory of {@link #F16}. */
    F32(4);

    private final int bytes;

    KvCacheType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes one cached key or value element takes. */
    public int bytesPerElement() {
        return bytes;
    }
}
