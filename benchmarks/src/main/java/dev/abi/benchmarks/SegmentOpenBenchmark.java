package dev.abi.benchmarks;

import dev.abi.vector.HnswIndex;
import dev.abi.vector.HnswSegments;
import dev.abi.vector.Metric;
import dev.abi.vector.StoredVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Time to open an HNSW segment (read it back into a searchable index) against its vector count, best of 5 reads,
 * beside the time to build the same graph from its vectors.
 * Run: {@code benchmarks/scripts/run.sh SegmentOpenBenchmark}.
 */
public final class SegmentOpenBenchmark {

    private SegmentOpenBenchmark() {
    }

    public static void main(String[] args) {
        int dim = 64;
        System.out.println("| vectors | dim | graph build ms | segment MB | open ms (best of 5) |");
        System.out.println("|---|---|---|---|---|");
        for (int n : new int[] {10_000, 50_000, 100_000}) {
            Random random = new Random(1);
            List<StoredVector> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) random.nextGaussian();
                }
                batch.add(new StoredVector("v" + i, v, Map.of()));
            }
            HnswIndex index = new HnswIndex(dim, Metric.L2);
            long buildStart = System.nanoTime();
            index.upsertAll(batch);
            double buildMs = (System.nanoTime() - buildStart) / 1e6;
            byte[] segment = HnswSegments.write(index);
            long best = Long.MAX_VALUE;
            for (int k = 0; k < 5; k++) {
                long t0 = System.nanoTime();
                HnswSegments.read("bench", segment);
                best = Math.min(best, System.nanoTime() - t0);
            }
            System.out.printf("| %d | %d | %.0f | %.1f | %.1f |%n", n, dim, buildMs, segment.length / 1e6, best / 1e6);
        }
    }
}
