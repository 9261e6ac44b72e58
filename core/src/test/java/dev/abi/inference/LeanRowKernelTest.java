package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lean generation row kernels of issue 22 ({@link InferenceKernels#dotQ4RowLean}, {@link
 * InferenceKernels#dotQ8RowLean}) against the kernels they stand in for, bit for bit, on both backends: on single
 * rows of many block counts (odd ones included), with extreme quants, and through whole matrices with each
 * {@link WeightMatrix.RowKernels} choice.
 */
class LeanRowKernelTest {

    private static final InferenceKernels SCALAR = InferenceKernelsProvider.scalar();
    private static final InferenceKernels PANAMA = InferenceKernelsProvider.panamaOrNull();
    private static final int[] BLOCK_COUNTS = {1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 256};

    @AfterEach
    void restoreDefault() {
        WeightMatrix.useRowKernels(WeightMatrix.RowKernels.LEAN);
    }

    private static InferenceKernels backend(String name) {
        InferenceKernels ops = name.equals("scalar") ? SCALAR : PANAMA;
        assumeTrue(ops != null, "the Vector API is not on this runtime");
        return ops;
    }

    private static WeightMatrix.Q8Activations activations(int blocks, Random rnd) {
        float[] x = new float[blocks * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() * (i % 7 == 0 ? 4 : 1);
        }
        return new WeightMatrix.Q8Activations(x);
    }

    private static byte[] row(GgmlType type, int blocks, Random rnd, boolean extreme) {
        ByteBuffer b = WeightMatrixTest.randomTensor(type, 1, blocks * 32, rnd);
        byte[] row = new byte[b.remaining()];
        b.get(row);
        if (extreme) {
            // every quant at its most negative (Q8_0: -128; Q4_0: both nibbles 0, i.e. -8)
            int size = type.typeSize();
            for (int j = 0; j < blocks; j++) {
                Arrays.fill(row, j * size + 2, (j + 1) * size, type == GgmlType.Q8_0 ? (byte) -128 : (byte) 0);
            }
        }
        return row;
    }

    @Test
    void theFloatSumsAreTheIntSums() {
        WeightMatrix.Q8Activations a = activations(5, new Random(1));
        for (int b = 0; b < 5; b++) {
            assertEquals(a.sums[b], a.floatSums[b], 0f, "block " + b);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "panama"})
    void theLeanQ4KernelGivesTheBitsOfDotQ4Row(String name) {
        InferenceKernels ops = backend(name);
        Random rnd = new Random(22);
        for (int blocks : BLOCK_COUNTS) {
            for (int i = 0; i < 40; i++) {
                byte[] row = row(GgmlType.Q4_0, blocks, rnd, i == 0);
                WeightMatrix.Q8Activations a = activations(blocks, rnd);
                float want = ops.dotQ4Row(row, blocks, a.quants, a.wide, a.scales, a.sums);
                float got = ops.dotQ4RowLean(row, blocks, a.wide, a.scales, a.floatSums);
                assertEquals(
                        Float.floatToRawIntBits(want),
                        Float.floatToRawIntBits(got),
                        name + ", " + blocks + " blocks: " + want + " against " + got);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "panama"})
    void theLeanQ8KernelGivesTheBitsOfDotQ8Row(String name) {
        InferenceKernels ops = backend(name);
        Random rnd = new Random(8);
        for (int blocks : BLOCK_COUNTS) {
            for (int i = 0; i < 40; i++) {
                byte[] row = row(GgmlType.Q8_0, blocks, rnd, i == 0);
                WeightMatrix.Q8Activations a = activations(blocks, rnd);
                float want = ops.dotQ8Row(row, blocks, a.quants, a.wide, a.scales);
                float got = ops.dotQ8RowLean(row, blocks, a.wide, a.scales);
                assertEquals(
                        Float.floatToRawIntBits(want),
                        Float.floatToRawIntBits(got),
                        name + ", " + blocks + " blocks: " + want + " against " + got);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "panama"})
    void matricesGiveTheSameBitsWithEitherRowKernels(String name) {
        InferenceKernels ops = backend(name);
        Random rnd = new Random(5);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q8_0}) {
            for (int cols : new int[] {32, 96, 2048, 2080}) {
                int rows = 67;
                ByteBuffer data = WeightMatrixTest.randomTensor(type, rows, cols, rnd);
                WeightMatrix m = WeightMatrix.of(
                        new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity()), data, ops);
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                float[] plain = new float[rows];
                float[] lean = new float[rows];
                WeightMatrix.useRowKernels(WeightMatrix.RowKernels.PLAIN);
                m.matvec(x, plain);
                WeightMatrix.useRowKernels(WeightMatrix.RowKernels.LEAN);
                m.matvec(x, lean);
                assertArrayEquals(plain, lean, name + ", " + type + ", " + cols + " columns");
            }
        }
    }
}
