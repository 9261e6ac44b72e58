package dev.abi.benchmarks;

import dev.abi.gateway.Gateway;
import dev.abi.gateway.GatewaySecurity;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.HttpResponse;
import dev.abi.gateway.Limits;
import dev.abi.gateway.auth.ApiKeys;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.gateway.auth.Grant;
import dev.abi.gateway.ratelimit.InMemoryCounterStore;
import dev.abi.gateway.ratelimit.RateLimitPolicy;
import dev.abi.gateway.ratelimit.RateLimiter;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.namespace.VectorRecord;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.ObservedObjectStore;
import dev.abi.telemetry.InMemoryMetrics;
import dev.abi.telemetry.RequestContext;
import dev.abi.telemetry.Telemetry;
import dev.abi.vector.Filter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the gateway itself costs per request, in one JVM: the same random 128-d queries on 10,000 vectors through
 * {@code NamespaceService.query} directly, and through {@code Gateway.handle} (JSON parsing and validation, routing,
 * API-key authentication, a token-bucket rate limit, JSON encoding), and through a gateway that also records request
 * metrics and writes the access log, over a store whose calls are timed, with the process-wide metrics installed
 * (issue 19's cost; tracing off, its default). No network: that is what {@code load.sh} adds.
 *
 * <p>Usage: {@code GatewayOverheadBenchmark [seconds=5]}.
 */
public final class GatewayOverheadBenchmark {

    /** Held here: java.util.logging keeps loggers weakly, and a collected one would lose the handler set below. */
    private static final Logger ACCESS = Logger.getLogger("abi.access");

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        InMemoryObjectStore objects = new InMemoryObjectStore();
        NamespaceService namespaces = new NamespaceService(new NamespaceStore(objects));
        Random rnd = new Random(7);
        for (int b = 0; b < 10; b++) {
            List<VectorRecord> batch = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                batch.add(new VectorRecord("v" + (b * 1000 + i), random(rnd), Map.of("n", i)));
            }
            namespaces.upsert("bench", batch);
        }
        ApiKeys keys = new ApiKeys(objects, Clock.systemUTC());
        String key = keys.create("bench", List.of(Grant.parse("read:bench"))).key();
        RateLimiter limiter = new RateLimiter(
                List.of(new RateLimitPolicy(
                        "all",
                        RateLimitPolicy.Algorithm.TOKEN_BUCKET,
                        1_000_000_000L,
                        Duration.ofSeconds(1),
                        false,
                        Set.of(),
                        Set.of())),
                new InMemoryCounterStore(Clock.systemUTC()),
                Clock.systemUTC());
        GatewaySecurity security = new GatewaySecurity(new Authenticator(true, null, keys, null), limiter, null, null);
        Gateway gateway = Gateway.builder(namespaces)
                .limits(Limits.defaults())
                .security(security)
                .accessLog(false)
                .build();
        // the same with request metrics (in memory) and the access log, its lines formatted and then dropped, so
        // that what is measured is the gateway's work and not a terminal's
        ACCESS.setUseParentHandlers(false);
        ACCESS.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage().isEmpty()) {
                    throw new IllegalStateException("an empty access-log line");
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        // the observed path as the server wires it: object-store calls timed (ObservedObjectStore over the same
        // objects, its own warm instance state), and the process-wide metrics installed while it runs (commit log,
        // query path); tracing stays off, as by default
        InMemoryMetrics metrics = new InMemoryMetrics();
        NamespaceService observedNamespaces =
                new NamespaceService(new NamespaceStore(new ObservedObjectStore(objects, metrics)));
        Gateway observed = Gateway.builder(observedNamespaces)
                .limits(Limits.defaults())
                .security(security)
                .metrics(metrics)
                .accessLog(true)
                .build();
        Map<String, String> headers = Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json");

        float[][] queries = new float[4096][];
        byte[][] bodies = new byte[queries.length][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = random(rnd);
            StringBuilder sb = new StringBuilder("{\"vector\":[");
            for (int d = 0; d < queries[i].length; d++) {
                sb.append(d == 0 ? "" : ",").append(queries[i][d]);
            }
            bodies[i] = sb.append("],\"topK\":10}").toString().getBytes(StandardCharsets.UTF_8);
        }
        System.out.printf(
                "JVM %s, %d cores%n%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        for (int round = 0; round < 2; round++) {
            double direct = perRequestMicros(
                    seconds,
                    i -> namespaces
                            .query(
                                    "bench",
                                    new NamespaceService.Query(queries[i % queries.length], 10, Filter.ALL, null))
                            .matches()
                            .size());
            double through = perRequestMicros(seconds, i -> query(gateway, headers, bodies[i % bodies.length]));
            double withObservability;
            try (RequestContext.Scope installed = Telemetry.install(metrics, null)) {
                withObservability = perRequestMicros(seconds, i -> query(observed, headers, bodies[i % bodies.length]));
            }
            if (round == 1) {
                System.out.println("| path | µs per query | queries/s (1 thread) |");
                System.out.println("|---|---:|---:|");
                System.out.printf(
                        Locale.ROOT,
                        "| NamespaceService.query (core directly) | %.1f | %.0f |%n",
                        direct,
                        1e6 / direct);
                System.out.printf(
                        Locale.ROOT,
                        "| Gateway.handle (JSON, auth, rate limit, encode) | %.1f | %.0f |%n",
                        through,
                        1e6 / through);
                System.out.printf(
                        Locale.ROOT,
                        "| the same with metrics and the access log | %.1f | %.0f |%n",
                        withObservability,
                        1e6 / withObservability);
                System.out.printf(
                        Locale.ROOT,
                        "%nGateway overhead: %.1f µs per request (%.0f%%)%n",
                        through - direct,
                        100 * (through - direct) / direct);
                System.out.printf(
                        Locale.ROOT,
                        "Metrics and access log: %.1f µs per request (%.1f%% of the gateway" + " path)%n",
                        withObservability - through,
                        100 * (withObservability - through) / through);
                System.out.printf(
                        Locale.ROOT,
                        "Ratio on/off: %.4f (store calls timed: %d)%n",
                        withObservability / through,
                        metrics.timerCount("abi.store.calls", "op", "get", "outcome", "ok")
                                + metrics.timerCount("abi.store.calls", "op", "list", "outcome", "ok"));
            }
        }
        interleaved(
                30,
                0.5,
                i -> query(gateway, headers, bodies[i % bodies.length]),
                i -> query(observed, headers, bodies[i % bodies.length]),
                metrics);
    }

    /**
     * The on/off ratio as the median of {@code pairs} pairs of short windows, off and on back to back (their order
     * alternating), so that load from other processes on a shared machine hits both sides of a pair alike.
     */
    private static void interleaved(int pairs, double seconds, Work off, Work on, InMemoryMetrics metrics) {
        double[] wall = new double[pairs];
        double[] cpu = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            double[] offMicros;
            double[] onMicros;
            if (p % 2 == 0) {
                offMicros = perRequest(seconds, off);
                onMicros = timedOn(seconds, on, metrics);
            } else {
                onMicros = timedOn(seconds, on, metrics);
                offMicros = perRequest(seconds, off);
            }
            wall[p] = onMicros[0] / offMicros[0];
            cpu[p] = onMicros[1] / offMicros[1];
        }
        report("wall time", wall, seconds);
        report("thread CPU time", cpu, seconds);
    }

    private static void report(String what, double[] ratios, double seconds) {
        java.util.Arrays.sort(ratios);
        int n = ratios.length;
        System.out.printf(
                Locale.ROOT,
                "Interleaved, %s: %d pairs of %.1f s windows, median on/off ratio %.4f"
                        + " (quartiles %.4f to %.4f, min %.4f, max %.4f)%n",
                what,
                n,
                seconds,
                ratios[n / 2],
                ratios[n / 4],
                ratios[(3 * n) / 4],
                ratios[0],
                ratios[n - 1]);
    }

    private static double[] timedOn(double seconds, Work on, InMemoryMetrics metrics) {
        try (RequestContext.Scope installed = Telemetry.install(metrics, null)) {
            return perRequest(seconds, on);
        }
    }

    private static int query(Gateway g, Map<String, String> headers, byte[] body) {
        HttpResponse r = g.handle(new HttpRequest("POST", "/v1/namespaces/bench/query", Map.of(), headers, body));
        if (r.status() != 200) {
            throw new IllegalStateException(r.bodyText());
        }
        return r.body().length;
    }

    private interface Work {
        int run(int i);
    }

    private static double perRequestMicros(double seconds, Work work) {
        return perRequest(seconds, work)[0];
    }

    /**
     * Runs {@code work} for {@code seconds} of wall time on this thread; returns µs per call of wall time and of this
     * thread's CPU time (the latter barely moved by other processes' load, which only delays the thread).
     */
    private static double[] perRequest(double seconds, Work work) {
        long sink = 0;
        int n = 0;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < seconds * 1e9) {
            sink += work.run(n++);
        }
        long elapsed = System.nanoTime() - t0;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {elapsed / 1e3 / n, cpu / 1e3 / n};
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private static float[] random(Random rnd) {
        float[] v = new float[128];
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (rnd.nextDouble() - 0.5);
        }
        return v;
    }
}
