package dev.abi.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * llama.cpp as a contender of {@link InferenceBenchmark}: npm's {@code node-llama-cpp} (which ships llama.cpp's
 * prebuilt CPU binaries) driven by {@code benchmarks/scripts/llama-cpp-contender.mjs}, one process per measurement.
 */
final class LlamaCppContender {

    static final String PACKAGE = "node-llama-cpp@3.22.1";
    private static final Path DIR = Path.of("benchmarks", "target", "node-llama-cpp");

    record Result(double loadMs, double promptTps, double generationTps, long rss) {}

    private LlamaCppContender() {}

    /** Installs the contender once; returns its script, or null (with a message) when it cannot run here. */
    static Path install() {
        try {
            Path script = DIR.resolve("llama-cpp-contender.mjs");
            Files.createDirectories(DIR);
            Files.copy(
                    Path.of("benchmarks", "scripts", "llama-cpp-contender.mjs"),
                    script,
                    StandardCopyOption.REPLACE_EXISTING);
            if (!Files.isDirectory(DIR.resolve("node_modules").resolve("node-llama-cpp"))) {
                System.out.println("installing the llama.cpp contender: npm install " + PACKAGE);
                Process p = new ProcessBuilder(
                                "npm", "install", "--no-audit", "--no-fund", "--prefix", DIR.toString(), PACKAGE)
                        .redirectErrorStream(true)
                        .redirectOutput(DIR.resolve("npm-install.log").toFile())
                        .start();
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    System.out.println(
                            "llama.cpp contender skipped: npm install failed, see " + DIR.resolve("npm-install.log"));
                    return null;
                }
            }
            return script;
        } catch (IOException e) {
            System.out.println("llama.cpp contender skipped: " + e.getMessage() + " (needs node and npm)");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Runs one measurement; null (with a message) when the contender fails. */
    static Result run(Path script, Path model, int threads, int[] promptIds, int generate) throws Exception {
        Path ids = DIR.resolve("prompt-ids.txt");
        Files.writeString(
                ids, Arrays.stream(promptIds).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        Process p = new ProcessBuilder(List.of(
                        "node",
                        script.toAbsolutePath().toString(),
                        model.toAbsolutePath().toString(),
                        Integer.toString(threads),
                        ids.toAbsolutePath().toString(),
                        Integer.toString(generate)))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            System.out.println("llama.cpp contender failed: " + out);
            return null;
        }
        Matcher m = Pattern.compile("\"loadMs\":([0-9.]+),\"promptTps\":([0-9.]+),\"generationTps\":([0-9.]+),"
                        + "\"rss\":([0-9]+)")
                .matcher(out);
        if (!m.find()) {
            System.out.println("llama.cpp contender printed no result: " + out);
            return null;
        }
        return new Result(
                Double.parseDouble(m.group(1)),
                Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)),
                Long.parseLong(m.group(4)));
    }
}
