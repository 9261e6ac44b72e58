package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tiled prompt product ({@link InferenceKernels#dotPanel} over panels of unpacked weight rows) on both backends:
 * every output bit for bit what the per-token row kernel ({@code matvec}) gives, and what the four-token path gives,
 * on shapes that leave partial panels, an odd last row and inputs beyond the last tile of four, on one thread and on
 * three.
 */
class TiledPrefillTest {

    private static final InferenceKernels SCALAR = InferenceKernelsProvider.scalar();
    private static final InferenceKernels PANAMA = InferenceKernelsProvider.panamaOrNull();
    private static final boolean WAS_ON = WeightMatrix.tiledPrefillOn();

    @ParameterizedTest
    @ValueSource(strings = {"stories260K-Q8_0.gguf", "stories260K-Q4_0.gguf"})
    void tiledPrefillOfTheRealModelGivesTheLogitsOfTokenByToken(String file) {
        Path path = GreedyGenerationTest.MODELS.resolve(file);
        Assumptions.assumeTrue(Files.exists(path), path + " is absent (../shared/models)");
        int[] ids = {1, 403, 407, 261, 378, 317, 269, 368, 302, 382, 276, 291}; // of the 512-token vocabulary
        try (LlamaModel m = LlamaModel.load(path)) {
            float[] tiled;
            try {
                WeightMatrix.useTiledPrefill(true);
                tiled = m.newSession().prefill(ids).clone();
            } finally {
                WeightMatrix.useTiledPrefill(WAS_ON);
            }
            LlamaSession s = m.newSession();
            float[] logits = null;
            for (int id : ids) {
                logits = s.forward(id);
            }
            assertArrayEquals(logits, tiled, file + ": tiled prefill against token by token");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"Q8_0", "Q4_0"})
    void tiledProductIsBitForBitThePerTokenProductOnBothBackends(GgmlType type) {
        int tried = 0;
        for (InferenceKernels ops : new InferenceKernels[] {SCALAR, PANAMA}) {
            if (ops == null || !ops.tiledPrefill()) {
                continue;
            }
            for (int threads : new int[] {1, 3}) {
                try (RowExecutor executor = RowExecutor.of(threads)) {
                    check(type, ops, executor, 67, 256, 11);
                    check(type, ops, executor, 5, 64, 4);
                    tried++;
                }
            }
        }
        assertTrue(tried >= 2, "the scalar backend at least, on one thread and on three");
    }

    private static void check(GgmlType type, InferenceKernels ops, RowExecutor executor, int rows, int cols, int n) {
        Random rnd = new Random(rows * 31L + cols + type.ordinal());
        ByteBuffer data = WeightMatrixTest.randomTensor(type, rows, cols, rnd);
        WeightMatrix m = WeightMatrix.of(
                new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity()), data, ops, executor, null);
        float[][] xs = new float[n][cols];
        for (float[] x : xs) {
            for (int i = 0; i < cols; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
        }
        float[][] tiled = new float[n][rows];
        float[][] fourAtATime = new float[n][rows];
        try {
            WeightMatrix.useTiledPrefill(true);
            m.matmul(xs, n, tiled);
            WeightMatrix.useTiledPrefill(false);
            m.matmul(xs, n, fourAtATime);
        } finally {
            WeightMatrix.useTiledPrefill(WAS_ON);
        }
        float[] one = new float[rows];
        String where = type + " on " + ops.name() + ", " + executor.threads() + " threads, " + rows + " x " + cols;
        for (int t = 0; t < n; t++) {
            m.matvec(xs[t], one);
            assertArrayEquals(one, tiled[t], where + ": tiled, input " + t);
            assertArrayEquals(one, fourAtATime[t], where + ": four-token path, input " + t);
        }
    }
}
