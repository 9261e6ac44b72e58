package dev.abi.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A stub {@code libcuda.so.1} (test resource {@code stub/libcuda_stub.c}) compiled by {@code gcc}: its
 * {@code cuInit} answers a chosen CUDA result. A process started with {@code LD_LIBRARY_PATH} set to the folder
 * loads it instead of a driver.
 */
public final class StubDriver {

    private StubDriver() {}

    /**
     * Compiles the stub into {@code under/driver-<result>/libcuda.so.1} and returns that folder; skips the calling
     * test (an assumption) when {@code gcc} is not installed.
     */
    public static Path build(Path under, int cuInitResult) throws IOException, InterruptedException {
        String gcc = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "gcc"))) {
                gcc = Path.of(dir, "gcc").toString();
                break;
            }
        }
        Assumptions.assumeTrue(gcc != null, "gcc is not installed: skipping the stub-driver case");
        Path src = under.resolve("libcuda_stub.c");
        try (InputStream in = StubDriver.class.getResourceAsStream("/stub/libcuda_stub.c")) {
            Files.write(src, in.readAllBytes());
        }
        Path dir = Files.createDirectories(under.resolve("driver-" + cuInitResult));
        Process p = new ProcessBuilder(
                        gcc,
                        "-shared",
                        "-fPIC",
                        "-DSTUB_CUINIT_RESULT=" + cuInitResult,
                        "-Wl,-soname,libcuda.so.1",
                        "-o",
                        dir.resolve("libcuda.so.1").toString(),
                        src.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc failed: " + log);
        return dir;
    }
}
