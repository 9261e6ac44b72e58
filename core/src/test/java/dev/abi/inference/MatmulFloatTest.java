package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The encoder's float matrix product ({@link WeightMatrix#matmulFloat}) on both backends, for the types packed as
 * float panels and for Q8_0 kept as byte panels: every output is bit for bit the dequantized row and the input
 * multiplied and added in column order with fused multiply-adds, for any number of inputs (the tiles of four and the
 * remainder), for rows that do not fill the last panel, and with the panels split over threads.
 */
class MatmulFloatTest {

    private static final InferenceKernels SCALAR = InferenceKernelsProvider.scalar();
    private static final InferenceKernels PANAMA =
            InferenceKernelsProvider.panamaOrNull() != null ? InferenceKernelsProvider.panamaOrNull() : SCALAR;

    /** The product as the kernels' contract defines it: one fused multiply-add per column, in column order. */
    private static float[][] reference(WeightMatrix m, float[][] xs, int n) {
        float[][] out = new float[n][m.rows()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.row(r, row);
            for (int t = 0; t < n; t++) {
                float s = 0;
                for (int k = 0; k < m.cols(); k++) {
                    s = Math.fma(row[k], xs[t][k], s);
                }
                out[t][r] = s;
            }
        }
        return out;
    }

    private static float[][] inputs(int n, int cols, Random rnd) {
        float[][] xs = new float[n][cols];
        for (float[] x : xs) {
            for (int i = 0; i < cols; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
        }
        return xs;
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"F32", "F16", "Q8_0", "Q4_0"})
    void everyOutputIsTheRowDottedInColumnOrder(GgmlType type) {
        Random rnd = new Random(7 + type.ordinal());
        int rows = 100; // not a multiple of any panel width: the last panel is part empty
        int cols = 96;
        ByteBuffer data = WeightMatrixTest.randomTensor(type, rows, cols, rnd);
        GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity());
        for (InferenceKernels ops : new InferenceKernels[] {SCALAR, PANAMA}) {
            try (RowExecutor one = RowExecutor.of(1)) {
                WeightMatrix m = WeightMatrix.of(info, data, ops, one);
                for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 33}) {
                    float[][] xs = inputs(n, cols, rnd);
                    float[][] want = reference(m, xs, n);
                    float[][] got = new float[n][rows];
                    m.matmulFloat(xs, n, got);
                    for (int t = 0; t < n; t++) {
                        assertArrayEquals(want[t], got[t], type + " " + ops.name() + " n " + n + " input " + t);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"F32", "Q8_0"})
    void panelsSplitOverThreadsGiveTheSameBits(GgmlType type) {
        Random rnd = new Random(70 + type.ordinal());
        int rows = 256;
        int cols = 512;
        int n = 40; // 40 * 256 * 512 multiply-adds: over the threshold where the panels are split over threads
        assertEquals(true, (long) n * rows * cols >= WeightMatrix.GEMM_PARALLEL_THRESHOLD);
        ByteBuffer data = WeightMatrixTest.randomTensor(type, rows, cols, rnd);
        GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity());
        float[][] xs = inputs(n, cols, rnd);
        for (InferenceKernels ops : new InferenceKernels[] {SCALAR, PANAMA}) {
            try (RowExecutor three = RowExecutor.of(3)) {
                WeightMatrix m = WeightMatrix.of(info, data, ops, three);
                float[][] want = reference(m, xs, n);
                for (int call = 0; call < 2; call++) { // the second call reuses the packed panels and scratch
                    float[][] got = new float[n][rows];
                    m.matmulFloat(xs, n, got);
                    for (int t = 0; t < n; t++) {
                        assertArrayEquals(want[t], got[t], type + " " + ops.name() + " call " + call + " input " + t);
                    }
                }
            }
        }
    }

    /**
     * The eight-input tiles against {@link InferenceKernels#gemmPanel} on the same panel, on both backends: the same
     * bits for every input (also when the panel's last rows are empty), and the Q8_0 form writes exactly the floats
     * that {@link InferenceKernels#widenQ8Panel} writes.
     */
    @Test
    void eightInputTilesGiveGemmPanelsBits() {
        Random rnd = new Random(11);
        for (InferenceKernels ops : new InferenceKernels[] {SCALAR, PANAMA}) {
            int w = ops.panelWidth();
            int cols = 160;
            byte[] quants = new byte[cols * w];
            float[] scales = new float[cols / 32 * w];
            for (int i = 0; i < quants.length; i++) {
                quants[i] = (byte) (rnd.nextInt(255) - 127);
            }
            for (int i = 0; i < scales.length; i++) {
                scales[i] = Float16.round((float) rnd.nextGaussian() * 0.01f);
            }
            float[] panel = new float[cols * w];
            ops.widenQ8Panel(quants, scales, cols, panel);
            float[][] xs = inputs(11, cols, rnd); // eight in the tile from input 3
            float[] xt = new float[5 + 8 * cols]; // the group at offset 5
            for (int i = 0; i < 8; i++) {
                for (int k = 0; k < cols; k++) {
                    xt[5 + k * 8 + i] = xs[3 + i][k];
                }
            }
            for (int rows : new int[] {w, w - 3}) {
                float[][] want = new float[11][w + 4];
                ops.gemmPanel(panel, cols, xs, 3, 11, want, 2, rows);
                float[][] got = new float[11][w + 4];
                ops.gemmPanel8(panel, cols, xt, 5, got, 3, 2, rows);
                float[][] gotQ8 = new float[11][w + 4];
                float[] wide = new float[cols * w];
                ops.gemmQ8Panel8(quants, scales, cols, wide, xt, 5, gotQ8, 3, 2, rows);
                assertArrayEquals(panel, wide, ops.name() + " widened panel");
                for (int t = 0; t < 11; t++) {
                    assertArrayEquals(want[t], got[t], ops.name() + " rows " + rows + " input " + t);
                    assertArrayEquals(want[t], gotQ8[t], ops.name() + " Q8_0 rows " + rows + " input " + t);
                }
            }
        }
    }
}
