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

    /**
     * Where element {@code j} of block {@code b} lies in the block-pair layout of a row of {@code blocks} blocks
     * ({@link InferenceKernels#dotQ4RowPaired}): per pair of blocks {@code 2p, 2p + 1}, from {@code 64 p}, element j
     * of block 2p at {@code 2j} (j below 16) or {@code 32 + 2(j - 16)}, and block 2p + 1's beside it (one further);
     * a last unpaired block in plain order.
     */
    static int pairedIndex(int b, int j, int blocks) {
        if ((b | 1) >= blocks) {
            return b * BLOCK + j;
        }
        return (b & ~1) * BLOCK + (j < BLOCK / 2 ? 2 * j : BLOCK + 2 * (j - BLOCK / 2)) + (b & 1);
    }

    private QuantBlock() {}
}
