package dev.abi.inference;

import java.nio.ByteBuffer;

/**
 * Q8_0 and Q4_0 row kernels that read the weight rows where they lie (the file's mapping) instead of copying each row
 * onto the heap first. Their only implementation loads vectors with {@code ByteVector.fromMemorySegment}, whose
 * {@code MemorySegment} is final only from JDK 22: it lives in the jar's {@code META-INF/versions/22} (source set
 * {@code src/main/java22}), so a JDK 21 runtime never sees it and {@link InferenceKernelsProvider#mapped} returns
 * null there; the matrices then copy rows as before. The signatures hold the segment as an {@code Object} so that
 * this interface compiles for JDK 21.
 *
 * <p>Every result is bit for bit what {@link InferenceKernels#dotQ8Row} and {@link InferenceKernels#dotQ4Row} of the
 * Vector-API backend give the copied row (the same operations in the same order).
 */
interface MappedRowKernels {

    /** A handle on {@code data} (a {@code MemorySegment}) to pass to the row methods. */
    Object wrap(ByteBuffer data);

    /** {@link InferenceKernels#dotQ8Row} of the row of {@code blocks} Q8_0 blocks at byte {@code offset}. */
    float dotQ8Row(Object data, long offset, int blocks, short[] aqWide, float[] aScales);

    /** {@link InferenceKernels#dotQ4Row} of the row of {@code blocks} Q4_0 blocks at byte {@code offset}. */
    float dotQ4Row(Object data, long offset, int blocks, short[] aqWide, float[] aScales, int[] aSums);

    /**
     * {@link #dotQ4Row} of the rows at {@code offset0} and {@code offset1} into {@code out[r]} and {@code out[r + 1]}:
     * each activation block loaded once for both, each row's result the same bits as alone.
     */
    void dotQ4Rows2(
            Object data,
            long offset0,
            long offset1,
            int blocks,
            short[] aqWide,
            float[] aScales,
            int[] aSums,
            float[] out,
            int r);

    /** As {@link #dotQ4Rows2}, for {@link #dotQ8Row}. */
    void dotQ8Rows2(
            Object data, long offset0, long offset1, int blocks, short[] aqWide, float[] aScales, float[] out, int r);
}
