package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The weight kernels on random blocks: integer block products are exact on every backend, the Vector-API backend
 * agrees with the scalar one (to float rounding: it sums in lanes), rows
 * computed in parallel equal rows computed in one go, and each quantized type's matvec equals its dequantized row dotted
 * with the Q8_0-rounded activations.
 */
class WeightMatrixTest {

    private static final InferenceKernels SCALAR = InferenceKernelsProvider.scalar();
    private static final InferenceKernels PANAMA =
            InferenceKernelsProvider.panamaOrNull() != null ? InferenceKernelsProvider.panamaOrNull() : SCALAR;

    @Test
    void byteDotsAreExactOnEveryBackend() {
        Random rnd = new Random(1);
        for (int len : new int[] {1, 7, 16, 31, 32, 33, 100, 4096}) {
            byte[] a = new byte[len + 5];
            byte[] b = new byte[len + 9];
            rnd.nextBytes(a);
            rnd.nextBytes(b);
            a[0] = -128;
            b[0] = -128; // the extreme product
            assertEquals(SCALAR.dotBytes(a, 0, b, 0, len), PANAMA.dotBytes(a, 0, b, 0, len), "length " + len);
            assertEquals(SCALAR.dotBytes(a, 5, b, 9, len), PANAMA.dotBytes(a, 5, b, 9, len), "offsets, length " + len);
        }
    }

    @Test
    void q4BlockDotsAreExactOnEveryBackend() {
        // one Q4_0 block with scale 1 against activations with scale 1: the row is the block's integer dot, exactly
        Random rnd = new Random(2);
        short one = Float16.fromFloat(1f);
        for (int i = 0; i < 2000; i++) {
            byte[] row = new byte[GgmlType.Q4_0.typeSize()];
            rnd.nextBytes(row);
            row[0] = (byte) one;
            row[1] = (byte) (one >> 8);
            byte[] a = new byte[32];
            rnd.nextBytes(a);
            for (int j = 0; j < a.length; j++) {
                a[j] = (byte) Math.max(-127, a[j]); // Q8_0 quants are within +-127
            }
            short[] wide = new short[32];
            int sum = 0;
            int want = 0;
            for (int j = 0; j < 32; j++) {
                wide[j] = a[j];
                sum += a[j];
            }
            for (int j = 0; j < 16; j++) {
                int q = row[2 + j] & 0xFF;
                want += ((q & 0x0F) - 8) * a[j] + ((q >>> 4) - 8) * a[j + 16];
            }
            float[] scales = {1f};
            int[] sums = {sum};
            assertEquals(want, SCALAR.dotQ4Row(row, 1, a, wide, scales, sums));
            assertEquals(want, PANAMA.dotQ4Row(row, 1, a, wide, scales, sums));
        }
    }

    static ByteBuffer randomTensor(GgmlType type, int rows, int cols, Random rnd) {
        int blocksPerRow = cols / type.blockSize();
        ByteBuffer b =
                ByteBuffer.allocate((int) type.bytesFor((long) rows * cols)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * blocksPerRow; i++) {
            switch (type) {
                case F32 -> b.putFloat((float) rnd.nextGaussian());
                case F16 -> b.putShort(Float16.fromFloat((float) rnd.nextGaussian()));
                case BF16 -> b.putShort(WeightMatrix.BF16.round((float) rnd.nextGaussian()));
                case Q8_0, Q4_0, Q5_0 -> {
                    b.putShort(Float16.fromFloat(0.001f + rnd.nextFloat() * 0.05f));
                    byte[] q = new byte[type.typeSize() - 2];
                    rnd.nextBytes(q);
                    b.put(q);
                }
                case Q4_1, Q5_1 -> {
                    b.putShort(Float16.fromFloat(0.001f + rnd.nextFloat() * 0.05f));
                    b.putShort(Float16.fromFloat((float) rnd.nextGaussian() * 0.1f));
                    byte[] q = new byte[type.typeSize() - 4];
                    rnd.nextBytes(q);
                    b.put(q);
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return b.flip();
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void backendsAgreeAndParallelRowsGiveTheSameBits(GgmlType type) {
        Random rnd = new Random(type.ordinal());
        int rows = 1024;
        int cols = 512; // 512k elements: over the parallel threshold
        ByteBuffer data = randomTensor(type, rows, cols, rnd);
        GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity());
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] scalar = new float[rows];
        float[] panama = new float[rows];
        WeightMatrix.of(info, data, SCALAR).matvec(x, scalar);
        WeightMatrix.of(info, data, PANAMA).matvec(x, panama);
        {
            // quantized rows: the block integers are exact; the Vector-API backend sums blocks (and BF16 products) in
            // lanes, like ggml's SIMD kernels, so only the float rounding of the sum may differ
            for (int r = 0; r < rows; r++) {
                assertEquals(scalar[r], panama[r], 1e-4f * Math.max(1f, Math.abs(scalar[r])), "row " + r);
            }
        }

        // one row at a time (never parallel) gives the same bits as the parallel matvec
        float[] single = new float[1];
        for (int r = 0; r < rows; r += 97) {
            ByteBuffer one = data.slice((int) (r * type.bytesFor(cols)), (int) type.bytesFor(cols))
                    .order(ByteOrder.LITTLE_ENDIAN);
            WeightMatrix.of(new GgufTensorInfo("row", new long[] {cols, 1}, type, 0, one.capacity()), one, SCALAR)
                    .matvec(x, single);
            assertEquals(scalar[r], single[0], "row " + r);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void quantizedMatvecIsTheDequantizedRowDottedWithRoundedActivations(GgmlType type) {
        Random rnd = new Random(7);
        int rows = 8;
        int cols = 96;
        ByteBuffer data = randomTensor(type, rows, cols, rnd);
        GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity());
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        WeightMatrix m = WeightMatrix.of(info, data, SCALAR);
        float[] out = new float[rows];
        m.matvec(x, out);
        WeightMatrix.Q8Activations a = new WeightMatrix.Q8Activations(x);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.row(r, row);
            double want = 0;
            for (int c = 0; c < cols; c++) {
                want += (double) row[c] * a.quants[c] * a.scales[c / 32];
            }
            assertEquals(want, out[r], 1e-4 * Math.max(1, Math.abs(want)), "row " + r);
        }
    }

    /**
     * ggml's dequantize_row_q4_1 / q5_0 / q5_1, written out bit by bit as a reference independent of the kernel's
     * unpacking.
     */
    private static float[] referenceDequantize(GgmlType type, ByteBuffer data, int elements) {
        float[] y = new float[elements];
        int size = type.typeSize();
        for (int b = 0; b < elements / 32; b++) {
            int at = b * size;
            float d = Float16.toFloat(data.getShort(at));
            float m = type == GgmlType.Q5_0 ? 0 : Float16.toFloat(data.getShort(at + 2));
            int qs = at + (type == GgmlType.Q4_1 ? 4 : type == GgmlType.Q5_0 ? 6 : 8);
            long qh = type == GgmlType.Q4_1 ? 0 : Integer.toUnsignedLong(data.getInt(qs - 4));
            for (int j = 0; j < 32; j++) {
                int nib = j < 16 ? data.get(qs + j) & 0xF : (data.get(qs + j - 16) & 0xFF) >> 4;
                int high = (int) ((qh >> j) & 1);
                int q = nib + 16 * high;
                y[b * 32 + j] = type == GgmlType.Q5_0 ? (q - 16) * d : q * d + m;
            }
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"Q4_1", "Q5_0", "Q5_1"})
    void unpackedTypesDequantizeAsGgmlDoes(GgmlType type) {
        Random rnd = new Random(11);
        int rows = 5;
        int cols = 160;
        ByteBuffer data = randomTensor(type, rows, cols, rnd);
        float[] want = referenceDequantize(type, data, rows * cols);
        WeightMatrix m = WeightMatrix.of(
                new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity()), data, PANAMA);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.row(r, row);
            assertArrayEquals(Arrays.copyOfRange(want, r * cols, (r + 1) * cols), row, "row " + r);
        }
    }

    @Test
    void bf16RoundsToNearestEvenAsGgmlDoes() {
        assertEquals((short) 0x3f80, WeightMatrix.BF16.round(1f));
        // 1 + 2^-8 is halfway between two BF16 values: ties go to the even mantissa (1.0)
        assertEquals((short) 0x3f80, WeightMatrix.BF16.round(Float.intBitsToFloat(0x3f808000)));
        // 1 + 3 * 2^-8 is halfway too: ties go up to the even mantissa 0x3f82
        assertEquals((short) 0x3f82, WeightMatrix.BF16.round(Float.intBitsToFloat(0x3f818000)));
        assertEquals((short) 0x3f81, WeightMatrix.BF16.round(Float.intBitsToFloat(0x3f808001)));
        assertEquals(Float.NaN, WeightMatrix.BF16.toFloat(WeightMatrix.BF16.round(Float.NaN)));
        assertEquals(-2.5f, WeightMatrix.BF16.toFloat(WeightMatrix.BF16.round(-2.5f)));
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"F32", "F16", "Q8_0", "Q4_0", "Q5_0"})
    void matmulOfSeveralInputsIsBitForBitTheMatvecOfEach(GgmlType type) {
        Random rnd = new Random(21);
        int rows = 96;
        int cols = 256;
        ByteBuffer data = randomTensor(type, rows, cols, rnd);
        WeightMatrix m = WeightMatrix.of(
                new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity()), data, PANAMA);
        int n = 7; // one group of four inputs and three single ones
        float[][] xs = new float[n][cols];
        float[][] outs = new float[n][rows];
        for (float[] x : xs) {
            for (int i = 0; i < cols; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
        }
        m.matmul(xs, n, outs);
        float[] one = new float[rows];
        for (int t = 0; t < n; t++) {
            m.matvec(xs[t], one);
            assertArrayEquals(one, outs[t], type + " input " + t);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void aSharedReusedInputOnThreeThreadsGivesTheBitsOfAPlainMatvec(GgmlType type) {
        Random rnd = new Random(31 + type.ordinal());
        int rows = 1024;
        int cols = 512; // over the parallel threshold
        ByteBuffer a = randomTensor(type, rows, cols, rnd);
        ByteBuffer b = randomTensor(type, rows / 2, cols, rnd);
        for (InferenceKernels ops : new InferenceKernels[] {SCALAR, PANAMA}) {
            try (RowExecutor one = RowExecutor.of(1);
                    RowExecutor three = RowExecutor.of(3)) {
                WeightMatrix ma = WeightMatrix.of(
                        new GgufTensorInfo("a", new long[] {cols, rows}, type, 0, a.capacity()), a, ops, three);
                WeightMatrix mb = WeightMatrix.of(
                        new GgufTensorInfo("b", new long[] {cols, rows / 2}, type, 0, b.capacity()), b, ops, three);
                WeightMatrix refA = WeightMatrix.of(
                        new GgufTensorInfo("a", new long[] {cols, rows}, type, 0, a.capacity()), a, ops, one);
                WeightMatrix refB = WeightMatrix.of(
                        new GgufTensorInfo("b", new long[] {cols, rows / 2}, type, 0, b.capacity()), b, ops, one);
                MatrixInput in = ma.newInput();
                for (int step = 0; step < 3; step++) { // the same holder refilled, as a session does per token
                    float[] x = new float[cols];
                    for (int i = 0; i < cols; i++) {
                        x[i] = (float) rnd.nextGaussian() * (step + 1);
                    }
                    float[] wantA = new float[rows];
                    float[] wantB = new float[rows / 2];
                    refA.matvec(x, wantA);
                    refB.matvec(x, wantB);
                    float[] gotA = new float[rows];
                    float[] gotB = new float[rows / 2];
                    in.set(x);
                    assertTrue(in.fits(mb));
                    ma.matvec(in, gotA);
                    mb.matvec(in, gotB); // converted once, used by both
                    assertArrayEquals(wantA, gotA, type + " " + ops.name() + " step " + step);
                    assertArrayEquals(wantB, gotB, type + " " + ops.name() + " step " + step);
                }
            }
        }
    }

    @Test
    void anInputOfAnotherFormIsRefused() {
        Random rnd = new Random(5);
        ByteBuffer q8 = randomTensor(GgmlType.Q8_0, 4, 64, rnd);
        ByteBuffer f16 = randomTensor(GgmlType.F16, 4, 64, rnd);
        WeightMatrix m8 = WeightMatrix.of(
                new GgufTensorInfo("a", new long[] {64, 4}, GgmlType.Q8_0, 0, q8.capacity()), q8, SCALAR);
        WeightMatrix m16 = WeightMatrix.of(
                new GgufTensorInfo("b", new long[] {64, 4}, GgmlType.F16, 0, f16.capacity()), f16, SCALAR);
        MatrixInput in = m16.newInput().set(new float[64]);
        assertFalse(in.fits(m8));
        assertThrows(IllegalArgumentException.class, () -> m8.matvec(in, new float[4]));
    }

    @Test
    void theInPlaceKernelsAreOnTheTestClasspathOfThisRuntime() {
        // the JDK 22 classes of the multi-release jar are found (surefire's extra classpath entry): without them the
        // in-place kernels would silently be missing and rowsReadInPlaceGiveTheBitsOfCopiedRows skipped
        assumeTrue(
                Runtime.version().feature() >= 22 && InferenceKernelsProvider.panamaOrNull() != null,
                "in-place kernels need JDK 22 and the Vector API");
        assertNotNull(InferenceKernelsProvider.mappedOrNull());
        assertEquals(
                Boolean.getBoolean(InferenceKernelsProvider.MAPPED_PROPERTY),
                InferenceKernelsProvider.mapped(InferenceKernelsProvider.panamaOrNull()) != null,
                "in place only when " + InferenceKernelsProvider.MAPPED_PROPERTY + " is true");
        assertNull(InferenceKernelsProvider.mapped(SCALAR), "the scalar backend copies rows");
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"Q8_0", "Q4_0"})
    void rowsReadInPlaceGiveTheBitsOfCopiedRows(GgmlType type) {
        MappedRowKernels mapped = InferenceKernelsProvider.mappedOrNull();
        assumeTrue(
                mapped != null && InferenceKernelsProvider.panamaOrNull() != null,
                "in-place kernels need JDK 22 and the Vector API");
        Random rnd = new Random(41 + type.ordinal());
        int rows = 301; // row pairs and a last single row
        int cols = 2048;
        ByteBuffer heap = randomTensor(type, rows, cols, rnd);
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        direct.put(heap.duplicate()).flip(); // off the heap, as a mapping is
        GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, heap.capacity());
        try (RowExecutor one = RowExecutor.of(1)) {
            WeightMatrix copied = WeightMatrix.of(info, heap, PANAMA, one, null);
            WeightMatrix inPlaceHeap = WeightMatrix.of(info, heap, PANAMA, one, mapped);
            WeightMatrix inPlaceDirect = WeightMatrix.of(info, direct, PANAMA, one, mapped);
            for (int step = 0; step < 3; step++) {
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) {
                    x[i] = (float) rnd.nextGaussian() * (step + 1);
                }
                float[] want = new float[rows];
                float[] got = new float[rows];
                copied.matvec(x, want);
                inPlaceHeap.matvec(x, got);
                assertArrayEquals(want, got, type + " heap, step " + step);
                Arrays.fill(got, 0f);
                inPlaceDirect.matvec(x, got);
                assertArrayEquals(want, got, type + " direct, step " + step);
            }
        }
    }
}
