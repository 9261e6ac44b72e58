package dev.abi.gpu.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.vector.Filter;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.Metric;
import dev.abi.vector.ScalarQuantizer;
import dev.abi.vector.SearchHit;
import dev.abi.vector.VectorOps;
import dev.abi.vector.VectorOpsProvider;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The references the GPU check trusts, held against core's own kernels and index. */
class HostReferenceTest {

    private static final int N = 700;
    private static final int DIM = 48;

    @ParameterizedTest
    @EnumSource(Metric.class)
    void topKMatchesCoresFlatIndex(Metric metric) {
        Random rnd = new Random(7 + metric.ordinal());
        float[] rows = random(rnd, N * DIM);
        FlatVectorIndex index = new FlatVectorIndex(DIM, metric);
        for (int r = 0; r < N; r++) {
            index.upsert("r" + r, Arrays.copyOfRange(rows, r * DIM, (r + 1) * DIM), Map.of());
        }
        float[][] queries = {random(rnd, DIM), random(rnd, DIM), random(rnd, DIM)};
        HostReference.TopK ref = HostReference.topK(metric, rows, N, DIM, queries, 10);
        for (int q = 0; q < queries.length; q++) {
            List<SearchHit> hits = index.search(queries[q], 10, Filter.ALL);
            assertEquals(10, hits.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(hits.get(i).id(), "r" + ref.ids()[q][i], metric + " query " + q + " rank " + i);
                assertEquals(
                        hits.get(i).distance(),
                        ref.distances()[q][i],
                        1e-4f * Math.max(1f, Math.abs(hits.get(i).distance())));
            }
        }
    }

    @Test
    void topKBreaksTiesTowardsTheSmallerRow() {
        float[] rows = {1, 0, 0, 1, 1, 0, 1, 0};
        HostReference.TopK ref = HostReference.topK(Metric.DOT, rows, 4, 2, new float[][] {{1, 0}}, 3);
        assertArrayEquals(new int[] {0, 2, 3}, ref.ids()[0]);
    }

    @Test
    void sameUpToTiesAcceptsTiedSwapsAndRejectsWrongIds() {
        int[] want = {4, 9, 2};
        float[] wd = {0.10f, 0.20f, 0.20f};
        assertNull(HostReference.sameUpToTies(want, wd, new int[] {4, 2, 9}, wd, 1e-5f));
        // planted: a non-tied swap and a wrong id are both caught
        assertNotNull(HostReference.sameUpToTies(want, wd, new int[] {9, 4, 2}, new float[] {0.1f, 0.2f, 0.2f}, 1e-5f));
        assertNotNull(HostReference.sameUpToTies(want, wd, new int[] {4, 9, 7}, wd, 1e-5f));
        assertNotNull(HostReference.sameUpToTies(want, wd, want, new float[] {0.1f, 0.2f, 0.3f}, 1e-5f));
    }

    @Test
    void int8DequantizationAgreesWithCoresQuantizerAndKernels() {
        Random rnd = new Random(11);
        int n = 200;
        float[] x = random(rnd, n * DIM);
        ScalarQuantizer sq = ScalarQuantizer.train(x, n, DIM);
        byte[] codes = new byte[n * DIM];
        for (int r = 0; r < n; r++) {
            sq.encode(x, r * DIM, codes, r * DIM);
        }
        float[] offset = sq.offsets();
        float[] step = sq.steps();
        float[] deq = HostReference.dequantize(codes, n, DIM, offset, step);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], deq[i], step[i % DIM] * 0.5001f, "element " + i);
        }
        VectorOps ops = VectorOpsProvider.get();
        float[] q = random(rnd, DIM);
        float[] u = new float[DIM];
        float[] qs = new float[DIM];
        double qOff = 0;
        for (int d = 0; d < DIM; d++) {
            u[d] = q[d] - offset[d];
            qs[d] = q[d] * step[d];
            qOff += (double) q[d] * offset[d];
        }
        for (int r = 0; r < n; r++) {
            float l2 = (float) Math.sqrt(ops.squaredDistanceInt8(u, step, codes, r * DIM, DIM));
            assertEquals(l2, HostReference.distance(Metric.L2, q, deq, r, DIM), 1e-4f);
            float dot = (float) (qOff + ops.dotInt8(qs, codes, r * DIM, DIM));
            assertEquals(-dot, HostReference.distance(Metric.DOT, q, deq, r, DIM), 1e-4f);
        }
    }

    @Test
    void halfPrecisionRoundTripsAsJavaDoes() {
        float[] x = {0f, -0f, 1f, 65504f, 1e-8f, 3.14159f, -2.5e-5f, 70000f};
        short[] h = HostReference.toHalf(x);
        float[] r = HostReference.roundedToHalf(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.float16ToFloat(h[i]), r[i]);
            assertEquals(r[i], HostReference.fromHalf(h[i]));
        }
        assertEquals(Float.POSITIVE_INFINITY, r[7]);
        assertEquals(3.140625f, r[5]);
    }

    @Test
    void gemmMatchesCoresWeightMatrix() {
        Random rnd = new Random(3);
        int m = 5;
        int n = 33;
        int k = 40;
        float[] a = random(rnd, m * k);
        float[] w = random(rnd, n * k);
        ByteBuffer bytes = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(w);
        var info = new dev.abi.inference.GgufTensorInfo(
                "w", new long[] {k, n}, dev.abi.inference.GgmlType.F32, 0, 4L * w.length);
        var matrix = dev.abi.inference.WeightMatrix.of(info, bytes);
        float[][] xs = new float[m][];
        float[][] outs = new float[m][n];
        for (int i = 0; i < m; i++) {
            xs[i] = Arrays.copyOfRange(a, i * k, (i + 1) * k);
        }
        matrix.matmulFloat(xs, m, outs);
        float[] c = HostReference.gemm(a, w, null, m, n, k);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(outs[i][j], c[i * n + j], 1e-4f, "C[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void maxRelativeErrorSeesNaNAndSmallValues() {
        assertEquals(0.5, HostReference.maxRelativeError(new float[] {2f}, new float[] {3f}, 1e-6), 1e-9);
        assertEquals(
                Double.POSITIVE_INFINITY,
                HostReference.maxRelativeError(new float[] {1f}, new float[] {Float.NaN}, 1e-6));
        assertTrue(HostReference.maxRelativeError(new float[] {0f}, new float[] {1e-9f}, 1e-3) < 1e-5);
    }

    static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
