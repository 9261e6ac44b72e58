package dev.abi.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * HashiCorp's HCL v2 parser ({@code @cdktn/hcl2json}) and hclwrite's formatter ({@code @cdktn/hcl-tools}), both
 * WebAssembly builds from npm, behind one Node.js process that all checks share ({@code src/test/node/hcl-server.mjs}).
 * The packages are installed on first use into {@code ~/.cache/abi-serverless/hcl-VERSION}. Without Node.js and npm on
 * the PATH, the tests that need them are skipped, saying so.
 */
final class Hcl {

    static final String VERSION = "0.24.0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Hcl shared;

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final Map<String, JsonNode> parsedTexts = new ConcurrentHashMap<>();

    /** A parsed file: its JSON body (hcl2json's shape), whether hclwrite leaves it unchanged, or its parse error. */
    record Parsed(Path path, JsonNode body, boolean formatted, String error) {}

    private Hcl(Path nodeModules) throws IOException {
        Path server = Path.of("src/test/node/hcl-server.mjs").toAbsolutePath();
        ProcessBuilder pb =
                new ProcessBuilder("node", server.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_PATH", nodeModules.toString());
        process = pb.start();
        in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The one process of this JVM, started on first use and stopped when the JVM exits. */
    static synchronized Hcl get() {
        if (shared == null) {
            try {
                shared = new Hcl(install());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Hcl started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started.process::destroyForcibly));
        }
        return shared;
    }

    Parsed parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the planted-mistake tests parse many copies of the same files: a file's text parses the same way anywhere
        // (only successes are kept: an error names the file)
        JsonNode cached = parsedTexts.get(text);
        if (cached != null) {
            return new Parsed(file, cached.get("body"), cached.path("formatted").asBoolean(), null);
        }
        ObjectNode request = JSON.createObjectNode()
                .put("op", "parse")
                .put("file", file.toAbsolutePath().toString());
        JsonNode reply = call(request);
        if (reply.path("ok").asBoolean()) {
            parsedTexts.put(text, reply);
        }
        if (!reply.path("ok").asBoolean()) {
            return new Parsed(file, null, false, reply.path("error").asText());
        }
        return new Parsed(file, reply.get("body"), reply.path("formatted").asBoolean(), null);
    }

    /** The JSON of an HCL body given as text (for example "x = { A = 1 }" to read an object literal's entries). */
    JsonNode parseText(String text) {
        JsonNode reply = call(JSON.createObjectNode().put("op", "parseText").put("text", text));
        if (!reply.path("ok").asBoolean()) {
            throw new IllegalArgumentException("cannot parse " + text + ": " + reply.path("error"));
        }
        return reply.get("body");
    }

    /** The references (var.x, aws_s3_bucket.y.arn, module.z...) in a Terraform expression, by HCL's own traversal. */
    List<String> references(String expression) {
        JsonNode reply = call(JSON.createObjectNode().put("op", "refs").put("expr", expression));
        if (!reply.path("ok").asBoolean()) {
            throw new IllegalArgumentException("cannot read references of " + expression + ": " + reply.path("error"));
        }
        List<String> refs = new ArrayList<>();
        reply.get("refs").forEach(r -> refs.add(r.asText()));
        return refs;
    }

    private synchronized JsonNode call(ObjectNode request) {
        try {
            in.write(JSON.writeValueAsString(request));
            in.write('\n');
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the HCL process ended (exit " + process.waitFor() + ")");
            }
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path install() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "abi-serverless", "hcl-" + VERSION);
        Path modules = dir.resolve("node_modules");
        boolean installed = Files.isRegularFile(modules.resolve("@cdktn/hcl2json/package.json"))
                && Files.isRegularFile(modules.resolve("@cdktn/hcl-tools/package.json"));
        Assumptions.assumeTrue(
                onPath("node"),
                "Terraform checks skipped: Node.js is not on the PATH (install Node.js 20+ to run them)");
        if (installed) {
            return modules;
        }
        Assumptions.assumeTrue(
                onPath("npm"),
                "Terraform checks skipped: npm is not on the PATH (install Node.js 20+ with npm to run them)");
        Files.createDirectories(dir);
        Path log = dir.resolve("npm-install.log");
        // npm's output goes to a file: surefire owns this JVM's stdout
        Process npm = new ProcessBuilder(
                        "npm",
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                        dir.toString(),
                        "@cdktn/hcl2json@" + VERSION,
                        "@cdktn/hcl-tools@" + VERSION)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (npm.waitFor() != 0 || !Files.isRegularFile(modules.resolve("@cdktn/hcl2json/package.json"))) {
            throw new IllegalStateException("npm install @cdktn/hcl2json@" + VERSION + " @cdktn/hcl-tools@" + VERSION
                    + " failed (exit " + npm.exitValue() + "); see " + log);
        }
        return modules;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
