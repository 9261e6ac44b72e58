package dev.abi.benchmarks;

import dev.abi.vector.Filter;
import dev.abi.vector.HnswIndex;
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
 * Time to open an HNSW segment (read it back into a searchable index) against its vector count, best of 5 reads,
 * from a byte array and from a memory-mapped file, then to answer the first query; beside the time to build the
 * same graph from its vectors. Each vector carries two attributes, as namespaces' vectors usually do.
 * Run: {@code benchmarks/scripts/run.sh SegmentOpenBenchmark [dim] [sizes,...]}.
 */
public final class SegmentOpenBenchmark {

    private SegmentOpenBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int dim = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        String sizes = args.length > 1 ? args[1] : "10000,50000,100000";
        System.out.println("| vectors | dim | graph build ms | segment MB | open ms, byte[] (best of 5) "
                + "| open ms, mapped file (best of 5) | open + first query ms | open µs per vector |");
        System.out.println("|---|---|---|---|---|---|---|---|");
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
                    batch.add(new StoredVector("doc-" + i + "#0", v, Map.of("lang", i % 3 == 0 ? "en" : "fr",
                            "year", 2000 + i % 25)));
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
                }
                System.out.printf("| %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.2f |%n", n, dim, buildMs,
                        segment.length / 1e6, bestBytes / 1e6, bestMapped / 1e6, bestFirst / 1e6,
                        bestBytes / 1e3 / n);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
