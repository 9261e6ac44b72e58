package dev.abi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.amazon.lambda.runtime.MockEventServer;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Cold start, measured from process start: to the first answered HTTP event, and to the answer of the first text
 * query (which loads the namespace and runs the embedding model), with and without priming
 * ({@code ABI_PRIMING_ON_START}). Two packagings: the local server ({@code functions/target/quarkus-app}) over HTTP,
 * and the Lambda package: {@code adapters-aws/target/function.zip} unzipped and started the way the managed
 * {@code java21} runtime starts it, by AWS's Runtime Interface Client around the template's handler, polling
 * Quarkus's mock Lambda event server as it would poll the Runtime API. State is a prepared data directory on local disk holding the
 * handbook corpus (8 pages), so the figures are the JVM, Quarkus, the index and the model, not the network.
 *
 * <p>The CPU column is the process's CPU time at its first answer: on a shared machine, the other processes' load
 * stretches the wall times far more than it does the CPU time, so a before/after difference shows there first.
 *
 * <p>Build first: {@code ./mvnw -B -DskipTests install}. Usage: {@code benchmarks/scripts/run.sh ColdStartBenchmark
 * [runs]}; {@code -Dcold.packagings=lambda} (or {@code local}) and {@code -Dcold.priming=off} (or {@code on}) run only
 * those rows; {@code -Dcold.data=DIR} indexes the handbook into DIR once and reuses it on later runs (for A/B runs of
 * two builds that read the same storage format). Needs {@code ../shared/models/all-MiniLM-L6-v2/all-MiniLM-L6-v2-Q8_0.gguf}.
 */
public final class ColdStartBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "bench-bootstrap-key-0123456789";
    private static final String QUESTION = "how often should I feed my sourdough starter";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One cold start: wall time to the first answer and of the first text query, and the CPU time the process had
     * used (all its threads, the JIT's included) when the first answer came, or -1 where {@code /proc} is absent.
     */
    private record Run(long firstAnswerMs, long firstQueryMs, long firstAnswerCpuMs) {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path models = Path.of("..", "shared", "models", "all-MiniLM-L6-v2")
                .toAbsolutePath()
                .normalize();
        if (!Files.exists(models.resolve("all-MiniLM-L6-v2-Q8_0.gguf"))) {
            System.out.println("skipped: " + models + " has no all-MiniLM-L6-v2-Q8_0.gguf");
            return;
        }
        Path local = Path.of("functions", "target", "quarkus-app", "quarkus-run.jar");
        Path lambda = unzip(Path.of("adapters-aws", "target", "function.zip"));
        String kept = System.getProperty("cold.data");
        Path data = kept == null ? Files.createTempDirectory("abi-cold-start") : Path.of(kept);
        boolean prepared = kept != null && !isEmpty(data);
        Map<String, String> env = new HashMap<>(Map.of(
                "ABI_STORE_KIND",
                "local",
                "ABI_DATA_DIR",
                data.toString(),
                "ABI_MODELS_DIR",
                models.toString(),
                "ABI_EMBEDDING_MODEL",
                "all-MiniLM-L6-v2-Q8_0",
                "ABI_AUTH_ENABLED",
                "true",
                "ABI_AUTH_BOOTSTRAP_KEY",
                KEY,
                "ABI_OBJECT_STORE_BREAKER",
                "false"));
        if (!prepared) {
            prepare(local, env);
        }

        List<String> packagings =
                List.of(System.getProperty("cold.packagings", "local,lambda").split(","));
        List<String> primings =
                List.of(System.getProperty("cold.priming", "off,on").split(","));
        System.out.printf("| packaging | priming | process start to first answer (ms) | CPU time at first answer (ms) "
                + "| first text query (ms) | start to first query answered (ms) |%n|---|---|---:|---:|---:|---:|%n");
        for (boolean priming : new boolean[] {false, true}) {
            if (!primings.contains(priming ? "on" : "off")) {
                continue;
            }
            env.put("ABI_PRIMING_ON_START", Boolean.toString(priming));
            if (packagings.contains("local")) {
                report("local server (HTTP)", priming, runs, () -> local(local, env));
            }
            if (packagings.contains("lambda")) {
                report("Lambda function.zip (RIC + mock event server)", priming, runs, () -> lambda(lambda, env));
            }
        }
    }

    private interface Trial {
        Run run() throws Exception;
    }

    private static void report(String what, boolean priming, int runs, Trial trial) throws Exception {
        long[] first = new long[runs];
        long[] cpu = new long[runs];
        long[] query = new long[runs];
        long[] total = new long[runs];
        for (int i = 0; i < runs; i++) {
            Run r = trial.run();
            first[i] = r.firstAnswerMs();
            cpu[i] = r.firstAnswerCpuMs();
            query[i] = r.firstQueryMs();
            total[i] = r.firstAnswerMs() + r.firstQueryMs();
        }
        long cpuMedian = median(cpu);
        System.out.printf(
                "| %s | %s | %d | %s | %d | %d |%n",
                what,
                priming ? "on start" : "off",
                median(first),
                cpuMedian < 0 ? "n/a" : Long.toString(cpuMedian),
                median(query),
                median(total));
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Indexes the handbook once through a local server, so that every cold run opens the same namespace. */
    private static void prepare(Path jar, Map<String, String> env) throws Exception {
        int port = freePort();
        Process p = start(List.of("-Dquarkus.http.port=" + port, "-jar", jar.toString()), env);
        try {
            awaitHealth(port, p);
            ObjectNode body = JSON.createObjectNode();
            var docs = body.putArray("documents");
            try (Stream<Path> pages = Files.list(Path.of("samples", "corpus", "handbook"))) {
                for (Path page : pages.sorted().toList()) {
                    docs.addObject().put("id", page.getFileName().toString()).put("text", Files.readString(page));
                }
            }
            HttpResponse<String> r =
                    post("http://127.0.0.1:" + port + "/v1/namespaces/handbook/documents", body.toString(), true);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("indexing the handbook failed: " + r.body());
            }
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    private static Run local(Path jar, Map<String, String> env) throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        Process p = start(List.of("-Dquarkus.http.port=" + port, "-jar", jar.toString()), env);
        try {
            awaitHealth(port, p);
            long first = (System.nanoTime() - t0) / 1_000_000;
            long cpu = cpuMillis(p);
            long q0 = System.nanoTime();
            HttpResponse<String> r = post(
                    "http://127.0.0.1:" + port + "/v1/namespaces/handbook/query",
                    "{\"text\":\"" + QUESTION + "\",\"topK\":3}",
                    true);
            long query = (System.nanoTime() - q0) / 1_000_000;
            check(r.statusCode() == 200 && r.body().contains("sourdough"), r.body());
            return new Run(first, query, cpu);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    /** The function package, unzipped as Lambda does into its task root. */
    private static Path unzip(Path zip) throws IOException {
        if (!Files.exists(zip)) {
            throw new IllegalStateException("build adapters-aws first: no " + zip);
        }
        Path root = Files.createTempDirectory("abi-task-root");
        try (var in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("zip entry outside the task root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        return root;
    }

    /** The Runtime Interface Client's jars, from this harness's own class path. */
    private static String runtimeClient() {
        StringBuilder cp = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("aws-lambda-java-runtime-interface-client")
                    || entry.contains("aws-lambda-java-serialization")) {
                cp.append(File.pathSeparator).append(entry);
            }
        }
        return cp.toString();
    }

    private static Run lambda(Path taskRoot, Map<String, String> env) throws Exception {
        try (MockEventServer server = new MockEventServer()) {
            int port = freePort();
            server.start(port);
            Map<String, String> lambdaEnv = new HashMap<>(env);
            lambdaEnv.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + port + MockEventServer.BASE_PATH);
            long t0 = System.nanoTime();
            lambdaEnv.put("LAMBDA_TASK_ROOT", taskRoot.toString());
            Process p = start(
                    List.of(
                            "-cp",
                            taskRoot + File.pathSeparator + taskRoot.resolve("lib") + "/*" + runtimeClient(),
                            "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                            "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"),
                    lambdaEnv);
            try {
                String url = "http://127.0.0.1:" + port + MockEventServer.POST_EVENT;
                HttpResponse<String> health = post(url, apiEvent("GET", "/health", null), false);
                long first = (System.nanoTime() - t0) / 1_000_000;
                long cpu = cpuMillis(p);
                check(health.body().contains("\"statusCode\":200"), health.body());
                long q0 = System.nanoTime();
                HttpResponse<String> r = post(
                        url,
                        apiEvent("POST", "/v1/namespaces/handbook/query", "{\"text\":\"" + QUESTION + "\",\"topK\":3}"),
                        false);
                long query = (System.nanoTime() - q0) / 1_000_000;
                check(r.body().contains("\"statusCode\":200") && r.body().contains("sourdough"), r.body());
                return new Run(first, query, cpu);
            } finally {
                p.destroy();
                p.waitFor();
            }
        }
    }

    private static String apiEvent(String method, String path, String body) {
        ObjectNode e = JSON.createObjectNode()
                .put("version", "2.0")
                .put("routeKey", "$default")
                .put("rawPath", path)
                .put("rawQueryString", "")
                .put("isBase64Encoded", false);
        e.putObject("headers").put("content-type", "application/json").put("authorization", "Bearer " + KEY);
        ObjectNode ctx = e.putObject("requestContext").put("stage", "$default").put("requestId", "cold-start");
        ctx.putObject("http").put("method", method).put("path", path);
        if (body != null) {
            e.put("body", body);
        }
        return e.toString();
    }

    private static Process start(List<String> args, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "-Xmx1g"));
        command.addAll(args);
        ProcessBuilder b =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        b.environment().putAll(env);
        return b.start();
    }

    private static void awaitHealth(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            check(p.isAlive(), "the server exited with " + (p.isAlive() ? 0 : p.exitValue()));
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no /health answer within 120 s");
    }

    private static HttpResponse<String> post(String url, String body, boolean bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer) {
            b.header("Authorization", "Bearer " + KEY);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * CPU time (user and system, all threads) the process has used so far, from {@code /proc/<pid>/stat}; -1 where
     * that file is absent (not Linux). Clock ticks are taken as 100 a second, the Linux value of {@code CLK_TCK} on
     * the usual x86-64 and arm64 kernels.
     */
    private static long cpuMillis(Process p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            // after the command name in parentheses: state is field 3, utime field 14, stime field 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException absent) {
            return -1;
        }
    }

    private static void check(boolean ok, String detail) {
        if (!ok) {
            throw new IllegalStateException(detail);
        }
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
