package dev.abi.benchmarks;

import dev.abi.vector.Filter;
import dev.abi.vector.HnswIndex;
import dev.abi.vector.HnswSegmentView;
import dev.abi.vector.HnswSegments;
import dev.abi.vector.Metric;
import dev.abi.vector.StoredVector;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Time to open an HNSW segment against its vector count, best of 5: read onto the heap from a byte array and from a
 * memory-mapped file, and opened in place ({@link HnswSegmentView}, with and without checking its CRC32C), each
 * also to its first answered query; beside the time to build the same graph, and the single-thread queries per
 * second (ef 64, k 10) of the heap index and the in-place view on the same segment. Each vector carries two attributes, as namespaces' vectors usually do.
 * Run: {@code benchmarks/scripts/run.sh SegmentOpenBenchmark [dim] [sizes,...]}.
 */
public final class SegmentOpenBenchmark {

    private SegmentOpenBenchmark() {}

    public static void main(String[] args) throws IOException {
        int dim = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        String sizes = args.length > 1 ? args[1] : "10000,50000,100000";
        System.out.println("| vectors | dim | graph build ms | segment MB | heap open ms, byte[] "
                + "| heap open ms, mapped file | heap open + first query ms | in-place open ms "
                + "| in-place open + CRC32C ms | in-place open + first query ms | heap QPS | in-place QPS |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Path file = Files.createTempFile("abi-segment", ".bin");
        try {
            for (String size : sizes.split(",")) {
                int n = Integer.parseInt(size.trim());
                Random random = new Random(1);
                List<StoredVector> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    float[] v = new float[dim];
                    for (int d = 0; d < dim; d++) {
                        v[d] = (float) random.nextGaussian();
                    }
                    batch.add(new StoredVector(
                            "doc-" + i + "#0", v, Map.of("lang", i % 3 == 0 ? "en" : "fr", "year", 2000 + i % 25)));
                }
                HnswIndex index = new HnswIndex(dim, Metric.L2);
                long buildStart = System.nanoTime();
                index.upsertAll(batch);
                double buildMs = (System.nanoTime() - buildStart) / 1e6;
                byte[] segment = HnswSegments.write(index);
                Files.write(file, segment);
                long bestBytes = Long.MAX_VALUE;
                long bestMapped = Long.MAX_VALUE;
                long bestFirst = Long.MAX_VALUE;
                long bestView = Long.MAX_VALUE;
                long bestViewCrc = Long.MAX_VALUE;
                long bestViewFirst = Long.MAX_VALUE;
                float[] query = batch.get(n / 2).values();
                for (int k = 0; k < 5; k++) {
                    long t0 = System.nanoTime();
                    HnswSegments.read("bench", segment);
                    bestBytes = Math.min(bestBytes, System.nanoTime() - t0);
                    t0 = System.nanoTime();
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                        MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
                        HnswSegments.read("bench", mapped);
                    }
                    bestMapped = Math.min(bestMapped, System.nanoTime() - t0);
                    t0 = System.nanoTime();
                    HnswIndex opened = HnswSegments.read("bench", segment);
                    if (opened.search(query, 10, Filter.ALL).isEmpty()) {
                        throw new IllegalStateException("no result");
                    }
                    bestFirst = Math.min(bestFirst, System.nanoTime() - t0);
                    t0 = System.nanoTime();
                    HnswSegmentView.open("bench", segment, false);
                    bestView = Math.min(bestView, System.nanoTime() - t0);
                    t0 = System.nanoTime();
                    HnswSegmentView.open("bench", segment, true);
                    bestViewCrc = Math.min(bestViewCrc, System.nanoTime() - t0);
                    t0 = System.nanoTime();
                    HnswSegmentView view = HnswSegmentView.open("bench", segment, false);
                    if (view.search(query, 10, Filter.ALL, node -> false, 0, 64).isEmpty()) {
                        throw new IllegalStateException("no result");
                    }
                    bestViewFirst = Math.min(bestViewFirst, System.nanoTime() - t0);
                }
                HnswIndex heap = HnswSegments.read("bench", segment);
                HnswSegmentView view = HnswSegmentView.open("bench", segment, false);
                float[][] queries = new float[1000][];
                for (int k = 0; k < queries.length; k++) {
                    queries[k] = batch.get(random.nextInt(n)).values().clone();
                    queries[k][0] += 0.1f;
                }
                double heapQps = 0;
                double viewQps = 0;
                for (int pass = 0; pass < 3; pass++) { // the last pass counts: the first two warm both up
                    long h0 = System.nanoTime();
                    for (float[] q : queries) {
                        heap.search(q, 10, Filter.ALL, 64);
                    }
                    heapQps = queries.length / ((System.nanoTime() - h0) / 1e9);
                    long v0 = System.nanoTime();
                    for (float[] q : queries) {
                        view.search(q, 10, Filter.ALL, node -> false, 0, 64);
                    }
                    viewQps = queries.length / ((System.nanoTime() - v0) / 1e9);
                }
                System.out.printf(
                        "| %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.3f | %.1f | %.1f | %.0f | %.0f |%n",
                        n,
                        dim,
                        buildMs,
                        segment.length / 1e6,
                        bestBytes / 1e6,
                        bestMapped / 1e6,
                        bestFirst / 1e6,
                        bestView / 1e6,
                        bestViewCrc / 1e6,
                        bestViewFirst / 1e6,
                        heapQps,
                        viewQps);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
