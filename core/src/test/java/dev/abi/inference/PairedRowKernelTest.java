package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generation row kernels of issue 22 against the kernels they stand in for, bit for bit, on both backends: the
 * Q4_0 kernel on block-pair activations ({@link InferenceKernels#dotQ4RowPaired}) against {@link
 * InferenceKernels#dotQ4Row}, and the multiply-add-pairs experiment ({@link MaddRowKernels}) against the Vector-API
 * row kernels; on rows of odd and even block counts (a last unpaired block), and through whole matrices.
 */
class PairedRowKernelTest {

    private static final InferenceKernels SCALAR = InferenceKernelsProvider.scalar();
    private static final InferenceKernels PANAMA = InferenceKernelsProvider.panamaOrNull();
    private static final int[] BLOCK_COUNTS = {1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 256};

    @AfterEach
    void restoreDefault() {
        WeightMatrix.useRowKernels(WeightMatrix.RowKernels.PAIRED);
    }

    private static WeightMatrix.Q8Activations activations(int blocks, Random rnd) {
        float[] x = new float[blocks * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() * (i % 7 == 0 ? 4 : 1);
        }
        return new WeightMatrix.Q8Activations(x);
    }

    private static byte[] row(GgmlType type, int blocks, Random rnd) {
        ByteBuffer b = WeightMatrixTest.randomTensor(type, 1, blocks * 32, rnd);
        byte[] row = new byte[b.remaining()];
        b.get(row);
        return row;
    }

    @Test
    void thePairLayoutPutsTheSameElementOfTwoBlocksSideBySide() {
        WeightMatrix.Q8Activations a = activations(3, new Random(1));
        for (int k = 0; k < 16; k++) {
            assertEquals(a.wide[k], a.paired[2 * k], "block 0, first half");
            assertEquals(a.wide[32 + k], a.paired[2 * k + 1], "block 1, first half");
            assertEquals(a.wide[16 + k], a.paired[32 + 2 * k], "block 0, second half");
            assertEquals(a.wide[48 + k], a.paired[32 + 2 * k + 1], "block 1, second half");
            assertEquals(a.wide[64 + k], a.paired[64 + k], "block 2 (unpaired), first half");
            assertEquals(a.wide[80 + k], a.paired[80 + k], "block 2 (unpaired), second half");
            assertEquals(a.wide[k], a.interleaved[2 * k], "interleaved, element k");
            assertEquals(a.wide[16 + k], a.interleaved[2 * k + 1], "interleaved, element k + 16");
        }
        for (int b = 0; b < 3; b++) {
            assertEquals(a.sums[b], (int) a.floatSums[b], "block " + b + "'s sum as a float");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "panama"})
    void theQ4KernelOnPairedActivationsGivesTheBitsOfTheOneBlockKernel(String backend) {
        InferenceKernels ops = backend.equals("scalar") ? SCALAR : PANAMA;
        assumeTrue(ops != null, "the Vector API is not on this runtime");
        Random rnd = new Random(22);
        for (int blocks : BLOCK_COUNTS) {
            for (int i = 0; i < 40; i++) {
                byte[] row = row(GgmlType.Q4_0, blocks, rnd);
                WeightMatrix.Q8Activations a = activations(blocks, rnd);
                float want = ops.dotQ4Row(row, blocks, a.quants, a.wide, a.scales, a.sums);
                float got = ops.dotQ4RowPaired(row, blocks, a.paired, a.scales, a.floatSums);
                assertEquals(
                        Float.floatToRawIntBits(want),
                        Float.floatToRawIntBits(got),
                        backend + ", " + blocks + " blocks: " + want + " against " + got);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "panama"})
    void theWholeBlockQ8KernelGivesTheBitsOfTheHalfBlockKernel(String backend) {
        InferenceKernels ops = backend.equals("scalar") ? SCALAR : PANAMA;
        assumeTrue(ops != null, "the Vector API is not on this runtime");
        Random rnd = new Random(8);
        for (int blocks : BLOCK_COUNTS) {
            for (int i = 0; i < 40; i++) {
                byte[] row = row(GgmlType.Q8_0, blocks, rnd);
                if (i == 0) {
                    for (int j = 0; j < blocks; j++) {
                        java.util.Arrays.fill(row, j * 34 + 2, j * 34 + 34, (byte) -128); // the extreme block sums
                    }
                }
                WeightMatrix.Q8Activations a = activations(blocks, rnd);
                float want = ops.dotQ8Row(row, blocks, a.quants, a.wide, a.scales);
                float got = ops.dotQ8RowWhole(row, blocks, a.wide, a.scales);
                assertEquals(
                        Float.floatToRawIntBits(want),
                        Float.floatToRawIntBits(got),
                        backend + ", " + blocks + " blocks: " + want + " against " + got);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "panama"})
    void matricesGiveTheSameBitsWithEveryRowKernel(String backend) {
        InferenceKernels ops = backend.equals("scalar") ? SCALAR : PANAMA;
        assumeTrue(ops != null, "the Vector API is not on this runtime");
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
                WeightMatrix.useRowKernels(WeightMatrix.RowKernels.PLAIN);
                m.matvec(x, plain);
                for (WeightMatrix.RowKernels k : WeightMatrix.RowKernels.values()) {
                    float[] out = new float[rows];
                    WeightMatrix.useRowKernels(k);
                    m.matvec(x, out);
                    assertArrayEquals(plain, out, backend + ", " + type + ", " + k + ", " + cols + " columns");
                }
            }
        }
    }

    @Test
    void theMultiplyAddPairsKernelsGiveTheBitsOfTheVectorApiKernels() {
        assumeTrue(PANAMA != null && PANAMA.name().equals("panama-512"), "the experiment is built for 512 bits");
        Random rnd = new Random(9);
        for (int blocks : BLOCK_COUNTS) {
            for (int i = 0; i < 20; i++) {
                WeightMatrix.Q8Activations a = activations(blocks, rnd);
                byte[] q8 = row(GgmlType.Q8_0, blocks, rnd);
                assertEquals(
                        Float.floatToRawIntBits(PANAMA.dotQ8Row(q8, blocks, a.quants, a.wide, a.scales)),
                        Float.floatToRawIntBits(MaddRowKernels.dotQ8Row(q8, blocks, a.interleaved, a.scales)),
                        "Q8_0, " + blocks + " blocks");
                byte[] q4 = row(GgmlType.Q4_0, blocks, rnd);
                assertEquals(
                        Float.floatToRawIntBits(PANAMA.dotQ4Row(q4, blocks, a.quants, a.wide, a.scales, a.sums)),
                        Float.floatToRawIntBits(MaddRowKernels.dotQ4Row(q4, blocks, a.interleaved, a.scales, a.sums)),
                        "Q4_0, " + blocks + " blocks");
            }
        }
    }

    @Test
    void theMultiplyAddLoopIsExactAtTheExtremes() {
        short[] w = {127, -127, -128, 127, 15, 15};
        short[] a = {127, 127, -127, -127, 127, -127};
        int[] out = new int[3];
        MaddRowKernels.maddPairs(w, a, out, 3);
        assertArrayEquals(new int[] {0, 16256 + -16129, 0}, out);
    }
}
