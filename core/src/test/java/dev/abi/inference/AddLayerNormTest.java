package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The encoder's residual add and LayerNorm ({@link InferenceKernels#addLayerNorm}) on both backends against the
 * formula in doubles, for widths that fill the vector lanes (384) and that leave a tail (389).
 */
class AddLayerNormTest {

    private static final InferenceKernels SCALAR = InferenceKernelsProvider.scalar();
    private static final InferenceKernels PANAMA =
            InferenceKernelsProvider.panamaOrNull() != null ? InferenceKernelsProvider.panamaOrNull() : SCALAR;

    @Test
    void bothBackendsGiveTheNormalizedSumToFloatRounding() {
        Random rnd = new Random(3);
        for (int n : new int[] {384, 389}) {
            float[] y = gaussian(n, rnd, 2f, 0.5f);
            float[] bias = gaussian(n, rnd, 0.1f, 0f);
            float[] residual = gaussian(n + 7, rnd, 1f, 0f); // read from offset 7
            float[] w = gaussian(n, rnd, 0.2f, 1f);
            float[] b = gaussian(n, rnd, 0.1f, 0f);
            float eps = 1e-12f;
            double[] sum = new double[n];
            double mean = 0;
            for (int i = 0; i < n; i++) {
                sum[i] = (double) y[i] + bias[i] + residual[7 + i];
                mean += sum[i] / n;
            }
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (sum[i] - mean) * (sum[i] - mean) / n;
            }
            for (InferenceKernels ops : new InferenceKernels[] {SCALAR, PANAMA}) {
                float[] got = y.clone();
                ops.addLayerNorm(got, bias, residual, 7, w, b, eps);
                for (int i = 0; i < n; i++) {
                    double want = (sum[i] - mean) / Math.sqrt(var + eps) * w[i] + b[i];
                    assertEquals(want, got[i], 2e-5 * (1 + Math.abs(want)), ops.name() + " n " + n + " element " + i);
                }
            }
        }
    }

    private static float[] gaussian(int n, Random rnd, float scale, float shift) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * scale + shift;
        }
        return v;
    }
}
