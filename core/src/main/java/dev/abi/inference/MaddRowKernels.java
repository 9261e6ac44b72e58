package dev.abi.inference;

import static dev.abi.inference.QuantBlock.BLOCK;
import static dev.abi.inference.QuantBlock.Q4_0_BYTES;
import static dev.abi.inference.QuantBlock.Q8_0_BYTES;
import static dev.abi.inference.QuantBlock.SCALE_BYTES;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * An experiment (issue 22): the integer block products of the Q8_0 and Q4_0 row kernels as a plain Java loop over
 * {@code short} arrays, {@code out[i] = w[2i] a[2i] + w[2i + 1] a[2i + 1]}, which C2's auto-vectoriser turns into
 * {@code vpmaddwd} (the multiply-add of adjacent short pairs the Vector API has no operation for). Each row's weights
 * are first widened to shorts with each block's element k beside element k + 16 (the pair whose sum is lane k of the
 * Vector-API kernels), the activations are laid out the same way once per input
 * ({@code Q8Activations.interleaved}), and the int lanes are then scaled and summed exactly as
 * {@link PanamaInferenceKernels}' 512-bit kernels do, so the results are the same bits. Used only where
 * {@link WeightMatrix.RowKernels#MADD} is chosen on the Vector-API backend; the per-thread scratch is a thread-local,
 * good enough for a measurement, not for the default path.
 */
final class MaddRowKernels {

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Byte> BYTES_128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> BYTES_256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> SHORTS_512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> INTS_512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> FLOATS_512 = FloatVector.SPECIES_512;
    /** Lane 2k takes element k, lane 2k + 1 element k + 16. */
    private static final VectorShuffle<Short> INTERLEAVE =
            VectorShuffle.fromOp(SHORTS_512, i -> (i & 1) == 0 ? i >> 1 : BLOCK / 2 + (i >> 1));

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private MaddRowKernels() {}

    /** Per-thread working rows, grown to the longest row seen. */
    private static final class Scratch {
        short[] weights = new short[0];
        int[] lanes = new int[0];
        float[] scales = new float[0];

        Scratch fit(int blocks) {
            if (scales.length < blocks) {
                weights = new short[blocks * BLOCK];
                lanes = new int[blocks * BLOCK / 2];
                scales = new float[blocks];
            }
            return this;
        }
    }

    /** {@link PanamaInferenceKernels#dotQ8Row} at 512 bits, the block products through {@link #maddPairs}. */
    static float dotQ8Row(byte[] row, int blocks, short[] interleaved, float[] aScales) {
        Scratch s = SCRATCH.get().fit(blocks);
        short[] w = s.weights;
        float[] d = s.scales;
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q8_0_BYTES;
            d[b] = Float.float16ToFloat((short) SHORT_LE.get(row, wo)) * aScales[b];
            ((ShortVector) ByteVector.fromArray(BYTES_256, row, wo + SCALE_BYTES)
                            .convertShape(VectorOperators.B2S, SHORTS_512, 0))
                    .rearrange(INTERLEAVE)
                    .intoArray(w, b * BLOCK);
        }
        maddPairs(w, interleaved, s.lanes, blocks * BLOCK / 2);
        int[] lanes = s.lanes;
        FloatVector acc = FloatVector.zero(FLOATS_512);
        for (int b = 0; b < blocks; b++) {
            acc = ((FloatVector)
                            IntVector.fromArray(INTS_512, lanes, b * BLOCK / 2).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOATS_512, d[b]), acc);
        }
        return sum(acc);
    }

    /**
     * {@link PanamaInferenceKernels#dotQ4Row} at 512 bits: byte k of a block holds element k (low nibble) and
     * k + 16 (high nibble), so widening it to an int and moving the high nibble to bits 16-19 gives the interleaved
     * pair with no shuffle.
     */
    static float dotQ4Row(byte[] row, int blocks, short[] interleaved, float[] aScales, int[] aSums) {
        Scratch s = SCRATCH.get().fit(blocks);
        short[] w = s.weights;
        float[] d = s.scales;
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q4_0_BYTES;
            d[b] = Float.float16ToFloat((short) SHORT_LE.get(row, wo)) * aScales[b];
            IntVector q = (IntVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS_512, 0);
            q.and(0x0F)
                    .or(q.lanewise(VectorOperators.LSHL, 12).and(0xF0000))
                    .reinterpretAsShorts()
                    .intoArray(w, b * BLOCK);
        }
        maddPairs(w, interleaved, s.lanes, blocks * BLOCK / 2);
        int[] lanes = s.lanes;
        FloatVector acc = FloatVector.zero(FLOATS_512);
        float offset = 0;
        for (int b = 0; b < blocks; b++) {
            acc = ((FloatVector)
                            IntVector.fromArray(INTS_512, lanes, b * BLOCK / 2).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOATS_512, d[b]), acc);
            offset += d[b] * aSums[b];
        }
        return sum(acc) - 8 * offset;
    }

    /**
     * {@code out[i] = w[2i] a[2i] + w[2i + 1] a[2i + 1]} for {@code i < n}: the shape C2 matches as {@code MulAddS2I}
     * and vectorises to {@code vpmaddwd}. Exact: each product is within 127 * 127 (Q8_0) or 15 * 127 (Q4_0).
     */
    static void maddPairs(short[] w, short[] a, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = w[2 * i] * a[2 * i] + w[2 * i + 1] * a[2 * i + 1];
        }
    }

    /** The 16 lanes' sum in the order of {@link PanamaInferenceKernels#sum}. */
    private static float sum(FloatVector acc) {
        FloatVector h = ((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 0))
                .add((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 1));
        FloatVector q = ((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 0))
                .add((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 1));
        return (q.lane(0) + q.lane(2)) + (q.lane(1) + q.lane(3));
    }
}
