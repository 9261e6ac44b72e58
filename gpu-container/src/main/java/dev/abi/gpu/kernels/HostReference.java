package dev.abi.gpu.kernels;

import dev.abi.vector.Metric;

/**
 * Plain-Java forms of what the kernels compute, for the GPU check to compare against: the search distances and
 * top-k (ties to the smaller row index, as the kernels break them), half-precision rounding, int8 dequantization
 * and the elementwise functions. Unit-tested against core's own kernels, so a GPU result that matches these
 * matches the CPU path of the functions.
 */
public final class HostReference {

    private HostReference() {}

    /** The k nearest rows of each query: indices and distances, closest first. */
    public record TopK(int[][] ids, float[][] distances) {}

    /** Rounds floats to half precision, as bits (what the f16 kernels read). */
    public static short[] toHalf(float[] x) {
        short[] h = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = Float.floatToFloat16(x[i]);
        }
        return h;
    }

    /** The float value of half-precision bits. */
    public static float fromHalf(short h) {
        return Float.float16ToFloat(h);
    }

    /** Floats rounded through half precision. */
    public static float[] roundedToHalf(float[] x) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        }
        return r;
    }

    /** Dequantizes int8 rows as the i8 kernels do: {@code x[d] = offset[d] + step[d] * code[d]}. */
    public static float[] dequantize(byte[] codes, int n, int dim, float[] offset, float[] step) {
        float[] x = new float[n * dim];
        for (int r = 0; r < n; r++) {
            for (int d = 0; d < dim; d++) {
                x[r * dim + d] = offset[d] + step[d] * codes[r * dim + d];
            }
        }
        return x;
    }

    /** The distance of {@code query} to row {@code r} of {@code rows}, as in {@link Metric}: smaller is closer. */
    public static float distance(Metric metric, float[] query, float[] rows, int r, int dim) {
        double dot = 0;
        double sq = 0;
        double qq = 0;
        double xx = 0;
        for (int d = 0; d < dim; d++) {
            double q = query[d];
            double x = rows[r * dim + d];
            dot += q * x;
            sq += (q - x) * (q - x);
            qq += q * q;
            xx += x * x;
        }
        return switch (metric) {
            case DOT -> (float) -dot;
            case L2 -> (float) Math.sqrt(sq);
            case COSINE -> qq == 0 || xx == 0 ? 1f : (float) (1 - dot / Math.sqrt(qq * xx));
        };
    }

    /**
     * Exact top-k of every query over {@code n} rows, by scanning all of them; ties go to the smaller row index.
     * Sums in double, so it is the accurate side of every comparison.
     */
    public static TopK topK(Metric metric, float[] rows, int n, int dim, float[][] queries, int k) {
        int kk = Math.min(k, n);
        int[][] ids = new int[queries.length][kk];
        float[][] dist = new float[queries.length][kk];
        for (int q = 0; q < queries.length; q++) {
            int[] bi = ids[q];
            float[] bd = dist[q];
            int filled = 0;
            for (int r = 0; r < n; r++) {
                float d = distance(metric, queries[q], rows, r, dim);
                if (filled == kk && !(d < bd[kk - 1])) {
                    continue; // not closer than the k-th (an equal distance keeps the earlier, smaller index)
                }
                int at = filled == kk ? kk - 1 : filled++;
                while (at > 0 && d < bd[at - 1]) {
                    bd[at] = bd[at - 1];
                    bi[at] = bi[at - 1];
                    at--;
                }
                bd[at] = d;
                bi[at] = r;
            }
        }
        return new TopK(ids, dist);
    }

    /**
     * Whether {@code got} is a correct top-k given the exact distances of {@code want}: the same ids in order,
     * except that ids whose distances lie within {@code tolerance} of each other may swap (ties).
     *
     * @return null when it is, else the first difference in words
     */
    public static String sameUpToTies(int[] wantIds, float[] wantDist, int[] gotIds, float[] gotDist, float tolerance) {
        if (wantIds.length != gotIds.length) {
            return "expected " + wantIds.length + " matches, got " + gotIds.length;
        }
        for (int i = 0; i < wantIds.length; i++) {
            if (Math.abs(wantDist[i] - gotDist[i]) > tolerance * Math.max(1f, Math.abs(wantDist[i]))) {
                return "rank " + i + ": distance " + gotDist[i] + ", expected " + wantDist[i];
            }
            if (wantIds[i] != gotIds[i]) {
                // a swap is fine only where the two ids are tied in the exact distances
                boolean tied = false;
                for (int j = 0; j < wantIds.length; j++) {
                    if (wantIds[j] == gotIds[i]
                            && Math.abs(wantDist[j] - wantDist[i]) <= tolerance * Math.max(1f, Math.abs(wantDist[i]))) {
                        tied = true;
                    }
                }
                if (!tied) {
                    return "rank " + i + ": id " + gotIds[i] + ", expected " + wantIds[i] + " (distance " + wantDist[i]
                            + ")";
                }
            }
        }
        return null;
    }

    /** GELU, tanh approximation (what {@code abi_gelu_f32} computes; core's CPU path rounds it through f16). */
    public static float gelu(float x) {
        return (float) (0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * x * (1 + 0.044715 * x * x))));
    }

    /** SwiGLU of one pair: {@code silu(gate) * up}. */
    public static float swiglu(float gate, float up) {
        return (float) (gate / (1 + Math.exp(-gate)) * up);
    }

    /** Softmax of each row of a {@code rows x cols} matrix, in place. */
    public static void softmax(float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x[r * cols + c]);
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(x[r * cols + c] - max);
            }
            for (int c = 0; c < cols; c++) {
                x[r * cols + c] = (float) (Math.exp(x[r * cols + c] - max) / sum);
            }
        }
    }

    /** LayerNorm of each row, with weight and bias. */
    public static void layerNorm(float[] x, int rows, int dim, float[] w, float[] b, float eps) {
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < dim; i++) {
                mean += x[r * dim + i];
            }
            mean /= dim;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                double d = x[r * dim + i] - mean;
                var += d * d;
            }
            double scale = 1 / Math.sqrt(var / dim + eps);
            for (int i = 0; i < dim; i++) {
                x[r * dim + i] = (float) ((x[r * dim + i] - mean) * scale * w[i] + b[i]);
            }
        }
    }

    /** RMSNorm of each row, with weight. */
    public static void rmsNorm(float[] x, int rows, int dim, float[] w, float eps) {
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += (double) x[r * dim + i] * x[r * dim + i];
            }
            double scale = 1 / Math.sqrt(ss / dim + eps);
            for (int i = 0; i < dim; i++) {
                x[r * dim + i] = (float) (x[r * dim + i] * scale * w[i]);
            }
        }
    }

    /** {@code C = A W^T + bias}: A is {@code m x k}, W is {@code n x k} (weight rows), C is {@code m x n}. */
    public static float[] gemm(float[] a, float[] w, float[] bias, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0 : bias[j];
                for (int t = 0; t < k; t++) {
                    s += (double) a[i * k + t] * w[j * k + t];
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    /** The largest relative error of {@code got} against {@code want}, relative to max(|want|, {@code floor}). */
    public static double maxRelativeError(float[] want, float[] got, double floor) {
        if (want.length != got.length) {
            throw new IllegalArgumentException(want.length + " values expected, " + got.length + " given");
        }
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs((double) want[i] - got[i]) / Math.max(Math.abs(want[i]), floor);
            if (Double.isNaN(e)) {
                return Double.POSITIVE_INFINITY;
            }
            worst = Math.max(worst, e);
        }
        return worst;
    }
}
