package dev.abi.benchmarks;

import dev.abi.vector.Filter;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.Metric;
import dev.abi.vector.VectorOps;
import dev.abi.vector.VectorOpsProvider;
import java.util.Map;
import java.util.Random;

/**
 * Exact-scan queries per second, Vector API kernels against the scalar fallback, in one JVM on the same data, and
 * the scan's bytes per second against a plain SIMD read of an array of the same size (the bandwidth ceiling).
 * Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/classes:core/target/classes dev.abi.benchmarks.FlatScanBenchmark}
 * (Jackson is not needed for this harness.)
 */
public final class FlatScanBenchmark {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int[] dims = {64, 384, 768};
        System.out.println(
                "| dim | vectors | backend | queries/s | ratio vs scalar | scan GB/s | % of read bandwidth |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int dim : dims) {
            double bytes = (double) n * dim * Float.BYTES;
            double probe = BandwidthProbe.gbPerSecond(new float[n * dim], 5);
            double scalar = run(VectorOpsProvider.scalar(), n, dim);
            System.out.printf(
                    "| %d | %d | scalar | %.1f | 1.00 | %.1f | %.0f%% |%n",
                    dim, n, scalar, scalar * bytes / 1e9, 100 * scalar * bytes / 1e9 / probe);
            VectorOps panama = VectorOpsProvider.panamaOrNull();
            if (panama != null) {
                double simd = run(panama, n, dim);
                System.out.printf(
                        "| %d | %d | %s | %.1f | %.2f | %.1f | %.0f%% |%n",
                        dim,
                        n,
                        panama.name(),
                        simd,
                        simd / scalar,
                        simd * bytes / 1e9,
                        100 * simd * bytes / 1e9 / probe);
            }
            System.out.printf("| %d | %d | read-bandwidth probe | | | %.1f | 100%% |%n", dim, n, probe);
        }
    }

    private static double run(VectorOps ops, int n, int dim) {
        Random random = new Random(1);
        FlatVectorIndex index = new FlatVectorIndex(dim, Metric.COSINE, ops, n);
        for (int i = 0; i < n; i++) {
            index.upsert("v" + i, randomVector(random, dim), Map.of());
        }
        float[][] queries = new float[50][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = randomVector(random, dim);
        }
        for (int warm = 0; warm < 3; warm++) {
            for (float[] q : queries) {
                index.search(q, 10, Filter.ALL);
            }
        }
        long start = System.nanoTime();
        int rounds = 4;
        for (int r = 0; r < rounds; r++) {
            for (float[] q : queries) {
                index.search(q, 10, Filter.ALL);
            }
        }
        return rounds * queries.length / ((System.nanoTime() - start) / 1e9);
    }

    private static float[] randomVector(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }
}
