package dev.abi.inference;

/**
 * One tensor of a GGUF file: name, shape ({@code dims[0]} is the fastest-varying, the row length), type, and its
 * absolute byte range in the file.
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long fileOffset, long byteSize) {

    public long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Elements per row ({@code dims[0]}). */
    public int rowLength() {
        return (int) dims[0];
    }

    /** Number of rows (all dims but the first). */
    public int rows() {
        return (int) (elements() / dims[0]);
    }
}
