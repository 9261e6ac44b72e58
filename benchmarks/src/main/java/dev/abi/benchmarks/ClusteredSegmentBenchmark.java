package dev.abi.benchmarks;

import dev.abi.store.LocalDiskObjectStore;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import dev.abi.vector.SearchHit;
import dev.abi.vector.StoredVector;
import dev.abi.vector.ivf.ClusteredSegmentView;
import dev.abi.vector.ivf.ClusteredSegmentWriter;
import dev.abi.vector.ivf.Effort;
import dev.abi.vector.ivf.RangeCache;
import dev.abi.vector.ivf.RangeReader;
import dev.abi.vector.ivf.VectorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A clustered segment read from an object store with a fixed latency per GET: cold first query (a new instance: the
 * header GET, then the clusters and candidates), warm queries (memory tier, and disk tier with memory cleared),
 * recall@10 at the default and a higher effort, bytes and GETs per query, and the instance's heap.
 *
 * <p>Data: a synthetic clustered set, generated from a seed per vector (streamed, never all held by the generator):
 * {@code n / 250} Gaussian centres (coordinates of deviation {@code spread}), each vector a centre plus unit
 * Gaussian noise (a small spread makes the blobs overlap, so the neighbours of a query lie in several clusters); queries are drawn the same way, and
 * their exact top 10 is found by a full scan. The store is local disk under a latency wrapper.
 *
 * <p>Usage: {@code ClusteredSegmentBenchmark <n> <dim> [latencyMs=20] [queries=50] [dir=/tmp/abi-bench-ivf] [spread=0.7] [splitFactor: 0 for the writer's default, Infinity for none]}.
 */
public final class ClusteredSegmentBenchmark {

    private static final long SEED = 21;

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int dim = Integer.parseInt(args[1]);
        long latency = args.length > 2 ? Long.parseLong(args[2]) : 20;
        int queries = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        Path dir = Path.of(args.length > 4 ? args[4] : "/tmp/abi-bench-ivf");
        double spread = args.length > 5 ? Double.parseDouble(args[5]) : 0.7;
        double split = args.length > 6 ? Double.parseDouble(args[6]) : 0; // 0: the writer's default; Infinity: none
        int blobs = Math.max(16, n / 250);
        System.out.printf(
                Locale.ROOT,
                "JVM %s, %d cores; n=%d dim=%d latency=%d ms/GET; %d blobs, spread %.2f, split %.1f%n%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                n,
                dim,
                latency,
                blobs,
                spread,
                split);

        float[][] centres = new float[blobs][dim];
        SplittableRandom r = new SplittableRandom(SEED);
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) (r.nextGaussian() * spread);
            }
        }
        VectorSource source = new VectorSource() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public void forEach(Consumer<StoredVector> visitor) {
                for (int i = 0; i < n; i++) {
                    visitor.accept(new StoredVector("v" + i, vector(centres, i, dim), Map.of()));
                }
            }
        };
        float[][] qs = new float[queries][];
        for (int q = 0; q < queries; q++) {
            qs[q] = vector(centres, -1 - q, dim);
        }

        deleteTree(dir);
        LocalDiskObjectStore disk = new LocalDiskObjectStore(dir.resolve("store"));
        long t0 = System.nanoTime();
        String key = "seg/bench.bin";
        ClusteredSegmentWriter.Builder writer = ClusteredSegmentWriter.builder();
        if (split > 0) {
            writer.splitFactor(split);
        }
        byte[] header = writer.build().write(key, source, dim, Metric.L2, disk::putIfAbsent);
        disk.putIfAbsent(key, header);
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        List<Set<String>> truth = groundTruth(source, qs);
        System.gc();

        LatencyObjectStore store = new LatencyObjectStore(disk, latency);
        ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor();
        RangeReader direct = store::getRange;
        Effort normal = Effort.DEFAULT;
        Effort high = new Effort(2 * normal.probesFor(clusters(header, key)), 2 * normal.rerank());

        Cold coldDefault = cold(store, key, qs, truth, reads, normal);
        Cold coldHigh = cold(store, key, qs, truth, reads, high);

        // warm: one instance, its memory tier filled by a first pass
        RangeCache cache = RangeCache.of(512L << 20, dir.resolve("cache"), 4L << 30);
        ClusteredSegmentView view = ClusteredSegmentView.open(key, header, cache.over(direct), reads, normal);
        for (float[] q : qs) {
            view.search(q, 10, Filter.ALL, id -> false);
        }
        long g0 = store.gets.get();
        List<Double> warm = timed(view, qs, normal);
        long warmGets = store.gets.get() - g0;
        cache.clearMemory();
        g0 = store.gets.get();
        List<Double> warmDisk = timed(view, qs, normal);
        long diskGets = store.gets.get() - g0;

        System.gc();
        long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        System.out.printf(
                Locale.ROOT,
                "build %.1f s (k-means, assignment, parts to local disk); header %d bytes, "
                        + "%d clusters; effort default nprobe %d rerank %d, high nprobe %d rerank %d%n%n",
                buildSeconds,
                header.length,
                view.clusters(),
                normal.probesFor(view.clusters()),
                normal.rerank(),
                high.probesFor(view.clusters()),
                high.rerank());
        int[] sizes = view.clusterSizes();
        java.util.Arrays.sort(sizes);
        System.out.printf(
                Locale.ROOT,
                "cluster sizes: min %d, median %d, mean %.0f, p99 %d, max %d (max/median %.1f)%n%n",
                sizes[0],
                sizes[sizes.length / 2],
                (double) n / sizes.length,
                sizes[(int) (sizes.length * 0.99)],
                sizes[sizes.length - 1],
                (double) sizes[sizes.length - 1] / Math.max(1, sizes[sizes.length / 2]));
        System.out.println("| case | p50 ms | p90 ms | GETs/query | KiB fetched/query | recall@10 |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        row(
                "cold instance, first query (header + clusters + re-rank), default effort",
                coldDefault.ms,
                coldDefault.gets / queries,
                coldDefault.bytes / queries / 1024,
                coldDefault.recall);
        row(
                "cold instance, first query, high effort",
                coldHigh.ms,
                coldHigh.gets / queries,
                coldHigh.bytes / queries / 1024,
                coldHigh.recall);
        row("warm, memory tier, default effort", warm, warmGets / queries, 0, coldDefault.recall);
        row("warm, disk tier (memory cleared), default effort", warmDisk, diskGets / queries, 0, coldDefault.recall);
        System.out.printf(
                Locale.ROOT,
                "%nheap in use after GC (view, caches, benchmark's queries): %d MiB; " + "memory tier %d MiB%n",
                heap >> 20,
                cache.memoryBytes() >> 20);
        reads.shutdown();
    }

    /** Latencies, GETs, bytes and recall of queries each run by a new instance (no cache, header read first). */
    private record Cold(List<Double> ms, long gets, long bytes, double recall) {}

    private static Cold cold(
            LatencyObjectStore store,
            String key,
            float[][] qs,
            List<Set<String>> truth,
            ExecutorService reads,
            Effort effort) {
        List<Double> ms = new ArrayList<>();
        long g0 = store.gets.get();
        long b0 = store.bytes.get();
        int found = 0;
        for (int q = 0; q < qs.length; q++) {
            long s = System.nanoTime();
            RangeCache cache = RangeCache.of(256L << 20, null, 0);
            byte[] h = store.get(key).orElseThrow().bytes();
            ClusteredSegmentView view = ClusteredSegmentView.open(key, h, cache.over(store::getRange), reads, effort);
            List<SearchHit> hits = view.search(qs[q], 10, Filter.ALL, id -> false);
            ms.add((System.nanoTime() - s) / 1e6);
            found += overlap(hits, truth.get(q));
        }
        return new Cold(ms, store.gets.get() - g0, store.bytes.get() - b0, found / (10.0 * qs.length));
    }

    private static int clusters(byte[] header, String key) {
        return ClusteredSegmentView.open(key, header, (k, o, l) -> new byte[0], Runnable::run, Effort.DEFAULT)
                .clusters();
    }

    private static List<Double> timed(ClusteredSegmentView view, float[][] qs, Effort effort) {
        List<Double> out = new ArrayList<>();
        for (float[] q : qs) {
            long s = System.nanoTime();
            view.search(q, 10, Filter.ALL, id -> false, effort);
            out.add((System.nanoTime() - s) / 1e6);
        }
        return out;
    }

    private static void row(String name, List<Double> ms, long gets, long kib, double recall) {
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.1f | %d | %d | %.3f |%n",
                name,
                sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.9)],
                gets,
                kib,
                recall);
    }

    private static int overlap(List<SearchHit> hits, Set<String> truth) {
        int n = 0;
        for (SearchHit h : hits) {
            n += truth.contains(h.id()) ? 1 : 0;
        }
        return n;
    }

    /** Vector {@code i} (queries use negative i): a centre picked by the seed, plus unit Gaussian noise. */
    static float[] vector(float[][] centres, long i, int dim) {
        SplittableRandom r = new SplittableRandom(SEED * 1_000_003L + i);
        float[] c = centres[r.nextInt(centres.length)];
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = c[d] + (float) r.nextGaussian();
        }
        return v;
    }

    /** The exact top 10 of each query by one streamed pass over the data, in batches scored in parallel. */
    private static List<Set<String>> groundTruth(VectorSource source, float[][] qs) {
        List<PriorityQueue<SearchHit>> best = new ArrayList<>();
        for (int q = 0; q < qs.length; q++) {
            best.add(new PriorityQueue<>((a, b) -> Float.compare(b.distance(), a.distance())));
        }
        List<StoredVector> batch = new ArrayList<>();
        Runnable drain = () -> {
            java.util.stream.IntStream.range(0, qs.length).parallel().forEach(q -> {
                PriorityQueue<SearchHit> b = best.get(q);
                for (StoredVector v : batch) {
                    float d = dev.abi.vector.VectorOpsProvider.get()
                            .squaredDistance(qs[q], 0, v.values(), 0, qs[q].length);
                    if (b.size() < 10 || d < b.peek().distance()) {
                        b.add(new SearchHit(v.id(), d));
                        if (b.size() > 10) {
                            b.poll();
                        }
                    }
                }
            });
            batch.clear();
        };
        source.forEach(v -> {
            batch.add(v);
            if (batch.size() == 4096) {
                drain.run();
            }
        });
        drain.run();
        List<Set<String>> out = new ArrayList<>();
        for (PriorityQueue<SearchHit> b : best) {
            Set<String> ids = new HashSet<>();
            b.forEach(h -> ids.add(h.id()));
            out.add(ids);
        }
        return out;
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }
}
