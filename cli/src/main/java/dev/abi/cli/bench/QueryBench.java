package dev.abi.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.cli.ApiClient;
import dev.abi.cli.ApiOptions;
import dev.abi.cli.CliException;
import dev.abi.cli.Json;
import dev.abi.cli.UsageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code abi bench query --ns NAME}: sends seeded random query vectors of the namespace's dimension from
 * {@code --concurrency} clients and reports QPS and latency percentiles of the successful ones, with the count of
 * failures. No retries: a 429 or 503 counts as a failure, so the numbers are the server's.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Queries per second and latency percentiles of a namespace's query route.")
final class QueryBench implements Callable<Integer> {

    @Option(names = "--ns", required = true, paramLabel = "NAME", description = "The namespace.")
    String ns;

    @Option(
            names = "--requests",
            defaultValue = "200",
            showDefaultValue = Visibility.ALWAYS,
            description = "Queries to send, after the warm-up.")
    int requests;

    @Option(
            names = "--warmup",
            defaultValue = "10",
            showDefaultValue = Visibility.ALWAYS,
            description = "Queries sent first and not measured.")
    int warmup;

    @Option(
            names = {"-c", "--concurrency"},
            defaultValue = "4",
            showDefaultValue = Visibility.ALWAYS,
            description = "Clients sending at once.")
    int concurrency;

    @Option(
            names = {"-k", "--top-k"},
            defaultValue = "10",
            showDefaultValue = Visibility.ALWAYS,
            description = "topK of each query.")
    int topK;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "md",
            showDefaultValue = Visibility.ALWAYS,
            description = "${COMPLETION-CANDIDATES}.")
    Table.Format format;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!ns.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new UsageException("--ns must match [A-Za-z0-9_-]{1,64}, got '" + ns + "'");
        }
        if (requests < 1 || warmup < 0 || concurrency < 1 || topK < 1 || topK > 1000) {
            throw new UsageException(
                    "--requests and --concurrency must be at least 1, --warmup at least 0, --top-k" + " 1..1000");
        }
        ApiClient client = api.client();
        int dimension = client.expect("GET", "/v1/namespaces/" + ns, null, 200)
                .path("dimension")
                .asInt(0);
        if (dimension < 1) {
            throw new CliException("namespace '" + ns + "' reports no dimension; ingest some vectors first");
        }
        String path = "/v1/namespaces/" + ns + "/query";
        List<byte[]> bodies = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < warmup + requests; i++) {
            ObjectNode q = Json.MAPPER.createObjectNode().put("topK", topK);
            ArrayNode v = q.putArray("vector");
            for (int d = 0; d < dimension; d++) {
                v.add(rnd.nextDouble() * 2 - 1);
            }
            bodies.add(Json.bytes(q));
        }
        for (int i = 0; i < warmup; i++) {
            client.send("POST", path, bodies.get(i), Map.of());
        }
        double[] millis = new double[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> firstFailure = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                clients.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long s = System.nanoTime();
                        ApiClient.Response r = client.send("POST", path, bodies.get(warmup + i), Map.of());
                        millis[i] = (System.nanoTime() - s) / 1e6;
                        if (r.status() != 200) {
                            millis[i] = Double.NaN;
                            failed.incrementAndGet();
                            if (firstFailure.isEmpty()) {
                                firstFailure.add(r.status() + " " + ApiClient.explain(r));
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re
                    ? re
                    : new CliException(e.getCause().toString());
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] ok = Arrays.stream(millis).filter(d -> !Double.isNaN(d)).toArray();
        if (ok.length == 0) {
            throw new CliException("every query failed; the first: " + firstFailure.get(0));
        }
        Stats s = Stats.of(ok);
        Table table = new Table(List.of(
                "namespace",
                "dimension",
                "topK",
                "concurrency",
                "requests",
                "failed",
                "QPS",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms"));
        table.add(
                ns,
                dimension,
                topK,
                concurrency,
                requests,
                failed.get(),
                ok.length / seconds,
                s.percentile(50),
                s.percentile(90),
                s.percentile(99),
                s.max());
        spec.commandLine().getOut().print(table.render(format));
        if (!firstFailure.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("abi bench: " + failed.get() + " queries failed; the first: " + firstFailure.get(0));
        }
        spec.commandLine().getOut().flush();
        return failed.get() == 0 ? 0 : 1;
    }
}
