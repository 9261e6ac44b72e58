package dev.abi.inference;

/**
 * The geometry of the Q8_0 and Q4_0 blocks that the row kernels ({@link InferenceKernels#dotQ8Row},
 * {@link InferenceKernels#dotQ4Row}) read, taken from {@link GgmlType}: each block is a half-precision scale, then
 * its quants.
 */
final class QuantBlock {

    /** Bytes of a Q8_0 block: the scale, then {@link #BLOCK} signed quants. */
    static final int Q8_0_BYTES = GgmlType.Q8_0.typeSize();
    /** Bytes of a Q4_0 block: the scale, then {@link #BLOCK} packed nibbles. */
    static final int Q4_0_BYTES = GgmlType.Q4_0.typeSize();
    /** Elements per Q8_0 or Q4_0 block. */
    static final int BLOCK = GgmlType.Q8_0.blockSize();
    /** Bytes of a block's half-precision scale, before its quants. */
    static final int SCALE_BYTES = 2;

    private QuantBlock() {}
}
