package dev.abi.benchmarks.ann;

import dev.abi.vector.Metric;
import dev.abi.vector.VectorOps;
import dev.abi.vector.VectorOpsProvider;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Base vectors, queries not drawn from the base, the metric, and the exact top-k of every query (the ground truth
 * that recall is measured against).
 */
public record Dataset(String name, Metric metric, float[][] base, float[][] queries, int[][] truth) {

    /** Builds the dataset and computes its exact top-{@code k} by brute force on all cores. */
    public static Dataset of(String name, Metric metric, float[][] base, float[][] queries, int k) {
        VectorOps ops = VectorOpsProvider.get();
        int dim = base[0].length;
        int[][] truth = new int[queries.length][];
        IntStream.range(0, queries.length).parallel().forEach(qi -> {
            float[] q = queries[qi];
            long[] best = new long[k];
            Arrays.fill(best, Long.MAX_VALUE);
            for (int i = 0; i < base.length; i++) {
                float d = metric == Metric.L2
                        ? ops.squaredDistance(q, 0, base[i], 0, dim)
                        : -ops.dot(q, 0, base[i], 0, dim);
                long packed = pack(d, i);
                if (packed < best[k - 1]) {
                    int at = k - 1;
                    while (at > 0 && best[at - 1] > packed) {
                        best[at] = best[at - 1];
                        at--;
                    }
                    best[at] = packed;
                }
            }
            int[] ids = new int[k];
            for (int j = 0; j < k; j++) {
                ids[j] = (int) best[j];
            }
            truth[qi] = ids;
        });
        return new Dataset(name, metric, base, queries, truth);
    }

    public int dimension() {
        return base[0].length;
    }

    /** Fraction of the true top-k found in {@code found} (ordinals into the base), for query {@code qi}. */
    public double recall(int qi, int[] found, int k) {
        int hits = 0;
        for (int t = 0; t < k; t++) {
            for (int f : found) {
                if (f == truth[qi][t]) {
                    hits++;
                    break;
                }
            }
        }
        return hits / (double) k;
    }

    private static long pack(float d, int i) {
        int bits = Float.floatToRawIntBits(d);
        bits ^= (bits >> 31) & 0x7fffffff;
        return ((long) bits << 32) | (i & 0xffffffffL);
    }
}
