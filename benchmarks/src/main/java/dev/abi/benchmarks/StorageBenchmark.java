package dev.abi.benchmarks;

import dev.abi.aws.S3ObjectStore;
import dev.abi.aws.S3ProxyServer;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.namespace.VectorRecord;
import dev.abi.store.LocalDiskObjectStore;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.ObjectStore;
import dev.abi.vector.Filter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The figures of the storage issue, printed as markdown tables:
 * <ol>
 *   <li>commit latency p50/p99 and commits per second on one namespace with 1, 4 and 16 writers (each its own
 *       instance), on local disk and on S3Proxy;</li>
 *   <li>cold open to first query, and restore-to-version time, for growing vector counts (64-d), with the fitted
 *       slope;</li>
 *   <li>freshness lag (acknowledgement to being in a segment) under a steady write load;</li>
 *   <li>({@code graph}, not part of {@code all}) a cold instance of a namespace past the graph threshold: with the
 *       graph stored by compaction against a plain base segment from which the instance builds its own graph.</li>
 * </ol>
 * Usage: {@code StorageBenchmark [commit|open|freshness|all|graph] [sizes, e.g. 10000,100000,1000000]}. Graph builds are
 * off ({@code abi.graph-threshold}) so that cold opens time loading state, not a background HNSW build.
 */
public final class StorageBenchmark {

    private static final int DIM = 64;

    public static void main(String[] args) throws Exception {
        System.setProperty("abi.graph-threshold", Integer.toString(Integer.MAX_VALUE));
        String what = args.length > 0 ? args[0] : "all";
        int[] sizes = Arrays.stream((args.length > 1 ? args[1] : "10000,100000,1000000").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        System.out.printf(
                "JVM %s, %d cores%n%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        if (what.equals("commit") || what.equals("all")) {
            commitLatency();
        }
        if (what.equals("open") || what.equals("all")) {
            coldOpenAndRestore(sizes);
        }
        if (what.equals("freshness") || what.equals("all")) {
            freshness();
        }
        if (what.equals("graph")) {
            graphColdStart(sizes);
        }
    }

    // ---- 4. cold instances past the graph threshold ----

    private static void graphColdStart(int[] sizes) throws Exception {
        int threshold = 20_000;
        System.out.println("## Cold instance past the graph threshold (64-d, local disk, one compacted segment)");
        System.out.println();
        System.out.println("| vectors | stored segment | segment MB | compaction ms | first query ms (p50 of 5) "
                + "| graph searches from ms (p50 of 5) | query ms after that |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|");
        for (int n : sizes) {
            for (boolean storeGraph : new boolean[] {false, true}) {
                Path dir = Files.createTempDirectory("abi-bench-graph");
                // The writer's threshold decides what compaction stores; every reader uses the default threshold.
                NamespaceStore.Options writerOptions = new NamespaceStore.Options(
                        Duration.ofDays(7),
                        Duration.ofHours(1),
                        1 << 30,
                        1 << 30,
                        Duration.ofMinutes(2),
                        storeGraph ? threshold : Integer.MAX_VALUE);
                NamespaceStore.Options readerOptions = new NamespaceStore.Options(
                        Duration.ofDays(7), Duration.ofHours(1), 1 << 30, 1 << 30, Duration.ofMinutes(2), threshold);
                NamespaceService writer = service(dir, writerOptions);
                Random rnd = new Random(n);
                for (int i = 0; i < n; i += 1000) {
                    List<VectorRecord> records = new ArrayList<>(1000);
                    for (int j = i; j < Math.min(n, i + 1000); j++) {
                        records.add(vector("v" + j, rnd));
                    }
                    writer.upsert("docs", records);
                }
                long t0 = System.nanoTime();
                writer.compact("docs");
                long compactNs = System.nanoTime() - t0;
                long segBytes = Files.walk(dir)
                        .filter(p -> p.toString().contains("/seg/"))
                        .mapToLong(p -> p.toFile().length())
                        .sum();
                float[] q = vector("q", rnd).values();
                long[] first = new long[5];
                long[] graphFrom = new long[5];
                double after = 0;
                for (int r = 0; r < first.length; r++) {
                    System.gc();
                    long start = System.nanoTime();
                    NamespaceService cold = service(dir, readerOptions);
                    cold.query("docs", new NamespaceService.Query(q, 10, Filter.ALL, null));
                    first[r] = System.nanoTime() - start;
                    while (!cold.usesGraph("docs")) {
                        Thread.sleep(5);
                    }
                    graphFrom[r] = System.nanoTime() - start;
                    long qs = System.nanoTime();
                    for (int k = 0; k < 200; k++) {
                        cold.query(
                                "docs",
                                new NamespaceService.Query(vector("q", rnd).values(), 10, Filter.ALL, null));
                    }
                    after = (System.nanoTime() - qs) / 1e6 / 200;
                }
                Arrays.sort(first);
                Arrays.sort(graphFrom);
                System.out.printf(
                        Locale.ROOT,
                        "| %d | %s | %.1f | %.0f | %.1f | %.1f | %.3f |%n",
                        n,
                        storeGraph ? "graph (HNSW segment)" : "base (vectors only)",
                        segBytes / 1e6,
                        compactNs / 1e6,
                        first[2] / 1e6,
                        graphFrom[2] / 1e6,
                        after);
                deleteTree(dir);
            }
        }
        System.out.println();
    }

    private static NamespaceService service(Path dir, NamespaceStore.Options options) {
        ObjectStore store = new LocalDiskObjectStore(dir);
        return new NamespaceService(
                new NamespaceStore(
                        store, new ObjectMetadataStore(store, Clock.systemUTC()), Clock.systemUTC(), options),
                Runnable::run);
    }

    // ---- 1. commit latency ----

    private static void commitLatency() throws Exception {
        System.out.println("## Commit latency (one 64-d vector per commit, one namespace)");
        System.out.println();
        System.out.println("| store | writers | commits | p50 ms | p99 ms | commits/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int writers : new int[] {1, 4, 16}) {
            Path dir = Files.createTempDirectory("abi-bench-commit");
            runCommits("local disk", () -> new LocalDiskObjectStore(dir), writers, 400);
        }
        try (S3ProxyServer proxy = new S3ProxyServer("bench")) {
            for (int writers : new int[] {1, 4, 16}) {
                String prefix = "w" + writers;
                runCommits(
                        "S3Proxy (in-JVM, transient)",
                        () -> new S3ObjectStore(proxy.client(), "bench", prefix),
                        writers,
                        200);
            }
        }
        System.out.println();
    }

    private static void runCommits(String label, Supplier<ObjectStore> store, int writers, int total) throws Exception {
        String ns = "commits";
        service(store.get()).create(ns, DIM, dev.abi.vector.Metric.COSINE);
        for (int i = 0; i < 20; i++) { // warm-up: class loading, JIT
            service(store.get()).upsert(ns, List.of(vector("warm" + i, new Random(i))));
        }
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            NamespaceService instance = service(store.get());
            threads.add(Thread.ofPlatform().start(() -> {
                Random rnd = new Random(writer);
                for (int i = 0; i < total / writers; i++) {
                    long t0 = System.nanoTime();
                    instance.upsert(ns, List.of(vector("w" + writer + "-" + i, rnd)));
                    latencies.add(System.nanoTime() - t0);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "| %s | %d | %d | %.2f | %.2f | %.0f |%n",
                label,
                writers,
                sorted.length,
                pct(sorted, 0.50),
                pct(sorted, 0.99),
                sorted.length / seconds);
    }

    // ---- 2. cold open and restore ----

    private static void coldOpenAndRestore(int[] sizes) throws Exception {
        System.out.println("## Cold open to first query, and restore, by vector count (64-d, local disk)");
        System.out.println();
        System.out.println("| vectors | log entries | segment bytes on disk | cold open p50 ms | cold open min ms"
                + " | restore commit ms | restore fold ms | first query after restore ms |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        double[] xs = new double[sizes.length];
        double[] ys = new double[sizes.length];
        double[] rs = new double[sizes.length];
        for (int s = 0; s < sizes.length; s++) {
            int n = sizes[s];
            Path dir = Files.createTempDirectory("abi-bench-open");
            // the defaults: fold every 16 commits, compact past 8 deltas; folds run inline so the load is repeatable
            NamespaceService writer =
                    new NamespaceService(new NamespaceStore(new LocalDiskObjectStore(dir)), Runnable::run);
            Random rnd = new Random(n);
            int batch = 1000;
            long entries = 0;
            for (int i = 0; i < n; i += batch) {
                List<VectorRecord> records = new ArrayList<>(batch);
                for (int j = i; j < Math.min(n, i + batch); j++) {
                    records.add(vector("v" + j, rnd));
                }
                writer.upsert("docs", records);
                entries++;
            }
            writer.fold("docs");
            long segBytes = Files.walk(dir)
                    .filter(p -> p.toString().contains("/seg/"))
                    .mapToLong(p -> p.toFile().length())
                    .sum(); // live segments plus replaced ones GC has not collected
            float[] q = vector("q", rnd).values();
            long[] opens = new long[5];
            for (int r = 0; r < opens.length; r++) {
                long t0 = System.nanoTime();
                NamespaceService cold = new NamespaceService(new NamespaceStore(new LocalDiskObjectStore(dir)));
                cold.query("docs", new NamespaceService.Query(q, 10, Filter.ALL, null));
                opens[r] = System.nanoTime() - t0;
                System.gc();
            }
            Arrays.sort(opens);
            // restore to the middle of the history: one log entry, then a fold that points at old segments
            long target = entries / 2;
            long t0 = System.nanoTime();
            writer.restoreToVersion("docs", target);
            long restoreCommit = System.nanoTime() - t0;
            t0 = System.nanoTime();
            writer.fold("docs"); // the writer holds the lease: its fold applies the restore
            long restoreFold = System.nanoTime() - t0;
            t0 = System.nanoTime();
            new NamespaceService(new NamespaceStore(new LocalDiskObjectStore(dir)))
                    .query("docs", new NamespaceService.Query(q, 10, Filter.ALL, null));
            long afterRestore = System.nanoTime() - t0;
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f |%n",
                    n,
                    entries,
                    segBytes,
                    opens[opens.length / 2] / 1e6,
                    opens[0] / 1e6,
                    restoreCommit / 1e6,
                    restoreFold / 1e6,
                    afterRestore / 1e6);
            xs[s] = n;
            ys[s] = opens[opens.length / 2] / 1e6;
            rs[s] = restoreCommit / 1e6;
            deleteTree(dir);
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Fitted cold-open slope: %.3f ms per 1,000 vectors (intercept %.1f ms).%n",
                slope(xs, ys) * 1000,
                intercept(xs, ys));
        System.out.printf(
                Locale.ROOT, "Fitted restore-commit slope: %.5f ms per 1,000 vectors.%n%n", slope(xs, rs) * 1000);
    }

    // ---- 3. freshness ----

    private static void freshness() throws Exception {
        System.out.println("## Freshness lag (acknowledged to in a segment), local disk, fold every 16 commits");
        System.out.println();
        System.out.println("| target commits/s | commits | lag p50 ms | lag p99 ms | lag max ms |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (int rate : new int[] {50, 200}) {
            Path dir = Files.createTempDirectory("abi-bench-fresh");
            NamespaceService writer = service(new LocalDiskObjectStore(dir));
            NamespaceService watcher = service(new LocalDiskObjectStore(dir));
            writer.upsert("fresh", List.of(vector("first", new Random(1))));
            Map<Long, Long> ackedAt = new ConcurrentHashMap<>();
            List<Long> lags = new ArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread poll = Thread.ofPlatform().start(() -> {
                long seen = 0;
                long stopAt = Long.MAX_VALUE;
                while (System.nanoTime() < stopAt) {
                    if (!writing.get() && stopAt == Long.MAX_VALUE) {
                        stopAt = System.nanoTime() + 2_000_000_000L; // the last fold of the run lands meanwhile
                    }
                    long through = watcher.indexedThrough("fresh");
                    long now = System.nanoTime();
                    for (long s = seen + 1; s <= through; s++) {
                        Long at = ackedAt.get(s);
                        if (at != null) {
                            synchronized (lags) {
                                lags.add(now - at);
                            }
                        }
                    }
                    seen = Math.max(seen, through);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Random rnd = new Random(rate);
            int commits = rate * 5;
            long interval = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = 0; i < commits; i++) {
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                next += interval;
                long seq = writer.upsert("fresh", List.of(vector("f" + i, rnd))).version();
                ackedAt.put(seq, System.nanoTime());
            }
            // let the last partial fold window close, as a steady load would
            for (int i = 0; i < 16; i++) {
                long seq =
                        writer.upsert("fresh", List.of(vector("tail" + i, rnd))).version();
                ackedAt.put(seq, System.nanoTime());
                Thread.sleep(1000 / rate);
            }
            writing.set(false);
            poll.join();
            long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %d | %.1f | %.1f | %.1f |%n",
                    rate,
                    sorted.length,
                    pct(sorted, 0.5),
                    pct(sorted, 0.99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
            deleteTree(dir);
        }
        System.out.println();
    }

    // ---- helpers ----

    private static NamespaceService service(ObjectStore store) {
        return new NamespaceService(new NamespaceStore(store));
    }

    private static VectorRecord vector(String id, Random rnd) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) rnd.nextGaussian();
        }
        return new VectorRecord(id, v, Map.of());
    }

    private static double pct(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        return sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.ceil(p * sortedNanos.length) - 1)] / 1e6;
    }

    private static double slope(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    private static double intercept(double[] x, double[] y) {
        return Arrays.stream(y).average().orElse(0)
                - slope(x, y) * Arrays.stream(x).average().orElse(0);
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
