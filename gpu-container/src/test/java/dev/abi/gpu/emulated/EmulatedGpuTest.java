package dev.abi.gpu.emulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.gpu.cuda.CudaApi;
import dev.abi.gpu.cuda.GpuRuntime;
import dev.abi.gpu.embed.GpuEncoder;
import dev.abi.gpu.kernels.HostReference;
import dev.abi.gpu.kernels.Kernels;
import dev.abi.gpu.search.GpuSearcher;
import dev.abi.gpu.search.ResidentMatrix;
import dev.abi.inference.BertModel;
import dev.abi.vector.Metric;
import dev.abi.vector.ScalarQuantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The host side of the GPU paths (uploads, launches, grids, shared memory, result assembly) on
 * {@link EmulatedCudaApi}, whose launches are checked against the real PTX's parameter lists.
 */
class EmulatedGpuTest {

    static final Path MINILM =
            Path.of("..", "..", "shared", "models", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-Q8_0.gguf");

    private final EmulatedCudaApi api = new EmulatedCudaApi();
    private final GpuRuntime rt = GpuRuntime.open(() -> api, 0);

    @AfterEach
    void close() {
        rt.close();
    }

    @ParameterizedTest
    @EnumSource(ResidentMatrix.Precision.class)
    void searchMatchesTheReferenceForEveryMetric(ResidentMatrix.Precision precision) {
        assertTrue(rt.available(), rt.reason());
        Random rnd = new Random(42 + precision.ordinal());
        int n = 2500; // three chunks, the last partial
        int dim = 20;
        float[] rows = new float[n * dim];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Float.float16ToFloat(Float.floatToFloat16((float) rnd.nextGaussian()));
        }
        rows[5 * dim] = 0; // and one zero row for cosine
        Arrays.fill(rows, 5 * dim, 6 * dim, 0f);
        ScalarQuantizer sq = ScalarQuantizer.train(rows, n, dim);
        byte[] codes = new byte[n * dim];
        for (int r = 0; r < n; r++) {
            sq.encode(rows, r * dim, codes, r * dim);
        }
        float[] seen = precision == ResidentMatrix.Precision.I8
                ? HostReference.dequantize(codes, n, dim, sq.offsets(), sq.steps())
                : rows;
        float[][] queries = new float[11][dim]; // two query tiles, the second partial
        for (float[] q : queries) {
            for (int d = 0; d < dim; d++) {
                q[d] = (float) rnd.nextGaussian();
            }
        }
        for (Metric metric : Metric.values()) {
            GpuSearcher.Result got = rt.call(a -> {
                ResidentMatrix m = precision == ResidentMatrix.Precision.I8
                        ? ResidentMatrix.uploadInt8(a, rt::kernel, codes, n, dim, sq.offsets(), sq.steps(), metric)
                        : ResidentMatrix.upload(a, rt::kernel, rows, n, dim, metric, precision);
                GpuSearcher s = new GpuSearcher(rt::kernel);
                try {
                    return s.search(a, m, queries, 7);
                } finally {
                    s.free(a);
                    m.free(a);
                }
            });
            HostReference.TopK want = HostReference.topK(metric, seen, n, dim, queries, 7);
            for (int q = 0; q < queries.length; q++) {
                assertNull(
                        HostReference.sameUpToTies(
                                want.ids()[q], want.distances()[q], got.rows()[q], got.distances()[q], 1e-4f),
                        precision + " " + metric + " query " + q);
            }
        }
        assertEquals(0, api.liveBuffers(), "every device buffer is freed");
    }

    @Test
    void fewerRowsThanKGiveWhatThereIs() {
        GpuSearcher.Result got = rt.call(a -> {
            ResidentMatrix m = ResidentMatrix.upload(
                    a, rt::kernel, new float[] {1, 0, 0, 1, 1, 1}, 3, 2, Metric.L2, ResidentMatrix.Precision.F32);
            return new GpuSearcher(rt::kernel).search(a, m, new float[][] {{1, 0}}, 10);
        });
        assertEquals(3, got.rows()[0].length);
        assertEquals(0, got.rows()[0][0]);
        assertEquals(0f, got.distances()[0][0]);
    }

    @Test
    void theEmulatorRejectsLaunchesThatDoNotMatchThePtx() {
        CudaApi.Kernel merge = rt.kernel(Kernels.TOPK_MERGE);
        CudaApi.Buffer b = api.alloc(64);
        // planted: a missing argument, a float where the PTX has an integer, a too-small search grid
        assertThrows(IllegalArgumentException.class, () -> api.launch(merge, 1, 1, 256, 0, b, b, 1, 1, b));
        assertThrows(IllegalArgumentException.class, () -> api.launch(merge, 1, 1, 256, 0, b, b, 1f, 1, b, b));
        CudaApi.Buffer big = api.alloc(4 * 4096);
        assertThrows(
                IllegalStateException.class,
                () -> api.launch(
                        rt.kernel(Kernels.SEARCH_F32),
                        1,
                        1,
                        256,
                        GpuSearcher.sharedBytes(1, 2),
                        big,
                        2000,
                        2,
                        big,
                        big,
                        1,
                        Kernels.METRIC_DOT,
                        1,
                        big,
                        big));
        // planted: chunks on grid x and query tiles on grid y (the layout before the swap) no longer cover 9 queries
        assertThrows(
                IllegalStateException.class,
                () -> api.launch(
                        rt.kernel(Kernels.SEARCH_F32),
                        2,
                        1,
                        256,
                        GpuSearcher.sharedBytes(9, 2),
                        big,
                        2000,
                        2,
                        big,
                        big,
                        9,
                        Kernels.METRIC_DOT,
                        1,
                        big,
                        big));
        assertThrows(
                IllegalStateException.class,
                () -> api.launch(
                        rt.kernel(Kernels.SEARCH_F32),
                        1,
                        1,
                        256,
                        100,
                        big,
                        10,
                        2,
                        big,
                        big,
                        1,
                        Kernels.METRIC_DOT,
                        1,
                        big,
                        big));
    }

    @Test
    void theEncoderMatchesCoresBertModel() {
        Assumptions.assumeTrue(Files.exists(MINILM), "the shared MiniLM model is absent: " + MINILM.toAbsolutePath());
        List<String> texts = List.of(
                "The quick brown fox jumps over the lazy dog.",
                "Vector search on a GPU.",
                "Les fonctions sans serveur démarrent à froid.");
        float[][] got = rt.call(a -> {
            GpuEncoder enc = new GpuEncoder(a, rt::kernel, MINILM);
            try {
                return enc.embed(a, texts);
            } finally {
                enc.free(a);
            }
        });
        try (BertModel cpu = BertModel.load(MINILM)) {
            float[][] want = cpu.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                double dot = 0;
                for (int d = 0; d < want[i].length; d++) {
                    dot += (double) want[i][d] * got[i][d];
                }
                assertTrue(dot > 0.999, "cosine " + dot + " for '" + texts.get(i) + "'");
            }
        }
        assertEquals(0, api.liveBuffers(), "every device buffer is freed");
        assertTrue(
                api.launches().contains(Kernels.ATTENTION_F32) && api.launches().contains(Kernels.MEAN_POOL_F32));
    }
}
