package dev.abi.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A packaged artifact started as its own process, the way a launcher or a provider runtime starts it, and driven over
 * HTTP. Shared by the integration tests of every module that ships a runnable artifact.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern TOOL_OPTIONS = Pattern.compile("JAVA_TOOL_OPTIONS\"?\\s*[:=]\\s*\"([^\"]+)\"");

    private final Process process;
    private final int port;
    private final String healthBody;
    private final long startMillis;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(Process process, int port, String healthBody, long startMillis) {
        this.process = process;
        this.port = port;
        this.healthBody = healthBody;
        this.startMillis = startMillis;
    }

    /**
     * Starts {@code command} with extra environment {@code env}, output to {@code log}, and waits until
     * {@code GET /health} on {@code port} answers 200.
     */
    public static ServerProcess start(
            List<String> command, Map<String, String> env, Path log, int port, Duration timeout)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("process exited with " + p.exitValue() + "; log:\n" + tail(log));
            }
            try {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return new ServerProcess(p, port, r.body(), (System.nanoTime() - t0) / 1_000_000);
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("no answer on /health within " + timeout + "; log:\n" + tail(log));
    }

    /**
     * Starts {@code command} like {@link #start}, but waits only until {@code port} accepts connections: for servers
     * without a {@code /health} route (a CloudEvents function under the Functions Framework invoker).
     */
    public static ServerProcess startListening(
            List<String> command, Map<String, String> env, Path log, int port, Duration timeout)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("process exited with " + p.exitValue() + "; log:\n" + tail(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return new ServerProcess(p, port, "", (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("nothing listening on " + port + " within " + timeout + "; log:\n" + tail(log));
    }

    /** Sends a request with the given headers and raw body (CloudEvents in binary or structured mode). */
    public HttpResponse<String> post(String path, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of the first successful {@code /health} answer. */
    public String health() {
        return healthBody;
    }

    /** Milliseconds from process start to the first successful {@code /health} answer. */
    public long startMillis() {
        return startMillis;
    }

    private volatile String bearer;

    /** Sends {@code Authorization: Bearer token} with every later request (a packaging with auth on). */
    public ServerProcess withBearer(String token) {
        this.bearer = token;
        return this;
    }

    /** Sends one request with a JSON body (or none when {@code body} is null). */
    public HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Kills the process at once, as a crash would (SIGKILL on Linux: no shutdown hooks, nothing flushed), and waits
     * until it is gone. Safe to call again, or after {@link #close()}.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** A port free at the time of the call. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The {@code JAVA_TOOL_OPTIONS} value a deployment descriptor sets (SAM/YAML, JSON app settings or a Dockerfile
     * {@code ENV}); fails when the descriptor sets none.
     */
    public static String javaToolOptions(Path descriptor) throws IOException {
        Matcher m = TOOL_OPTIONS.matcher(Files.readString(descriptor));
        if (!m.find()) {
            throw new AssertionError(descriptor + " sets no JAVA_TOOL_OPTIONS");
        }
        return m.group(1);
    }

    /** The path of the running JDK's {@code java} launcher. */
    public static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
