package dev.abi.inference;

/**
 * The geometry of the K-quant super-blocks that the row kernels ({@link InferenceKernels#dotQ4KRow},
 * {@link InferenceKernels#dotQ5KRow}, {@link InferenceKernels#dotQ6KRow}) and {@link WeightMatrix.KQuant} read, in ggml's layouts, and the decoding of
 * their packed sub-block scales. Each helper returns a plain int, so decoding allocates nothing.
 */
final class KQuantBlock {

    /** Elements per super-block. */
    static final int SUPER = 256;
    /** Bytes of a Q4_K super-block: {@code d, dmin} (halves), 12 bytes of 6-bit scales and mins, 128 of nibbles. */
    static final int Q4_K_BYTES = GgmlType.Q4_K.typeSize();
    /** Bytes of a Q5_K super-block: as Q4_K with {@code qh[32]} (each element's fifth bit) before the nibbles. */
    static final int Q5_K_BYTES = GgmlType.Q5_K.typeSize();
    /** Bytes of a Q6_K super-block: {@code ql[128], qh[64]}, 16 signed 8-bit scales, {@code d} (half). */
    static final int Q6_K_BYTES = GgmlType.Q6_K.typeSize();
    /** Offset of the packed 6-bit scales in a Q4_K or Q5_K super-block. */
    static final int SCALES_AT = 4;
    /** Offset of Q6_K's signed sub-block scales. */
    static final int Q6_SCALES_AT = 192;
    /** Offset of Q6_K's half-precision {@code d}. */
    static final int Q6_D_AT = 208;

    private KQuantBlock() {}

    /** The half-precision float at byte {@code at} (little-endian). */
    static float half(byte[] b, int at) {
        return Float.float16ToFloat((short) ((b[at] & 0xFF) | (b[at + 1] << 8)));
    }

    /**
     * Sub-block {@code j}'s 6-bit scale (0..63), packed with the mins in the 12 bytes from {@code at} (the scale half
     * of ggml's {@code get_scale_min_k4}).
     */
    static int scale(byte[] b, int at, int j) {
        if (j < 4) {
            return b[at + j] & 63;
        }
        return (b[at + j + 4] & 0xF) | (((b[at + j - 4] & 0xFF) >>> 6) << 4);
    }

    /** Sub-block {@code j}'s 6-bit minimum (0..63), the other half of {@code get_scale_min_k4}. */
    static int min(byte[] b, int at, int j) {
        if (j < 4) {
            return b[at + j + 4] & 63;
        }
        return ((b[at + j + 4] & 0xFF) >>> 4) | (((b[at + j] & 0xFF) >>> 6) << 4);
    }
}
