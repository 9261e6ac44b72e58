package dev.abi.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.gpu.cuda.StubDriver;
import dev.abi.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged service the way its image does (the Dockerfile's JAVA_TOOL_OPTIONS and entry point): without
 * a driver, and with a stub {@code libcuda.so.1} on {@code LD_LIBRARY_PATH} standing in for one without a device.
 */
class GpuContainerProcessIT {

    @TempDir
    Path work;

    private ServerProcess start(Map<String, String> env, String log) throws Exception {
        String toolOptions = ServerProcess.javaToolOptions(Path.of("src", "main", "docker", "Dockerfile.jvm"));
        int port = ServerProcess.freePort();
        Map<String, String> all = new HashMap<>(env);
        all.put("JAVA_TOOL_OPTIONS", toolOptions);
        return ServerProcess.start(
                List.of(
                        ServerProcess.javaLauncher(),
                        "-Dquarkus.http.port=" + port,
                        "-jar",
                        Path.of("target", "quarkus-app", "quarkus-run.jar").toString()),
                all,
                work.resolve(log),
                port,
                Duration.ofSeconds(120));
    }

    @Test
    void withAStubDriverThePackagedServiceReportsTheDriversAnswer() throws Exception {
        Path driver = StubDriver.build(work, 100); // skipped, saying so, without gcc
        try (ServerProcess service = start(Map.of("LD_LIBRARY_PATH", driver.toString()), "gpu-stub.log")) {
            assertTrue(service.health().contains("\"gpu\":false"), service.health());
            assertTrue(service.health().contains("\"reason\":\"cuInit: CUDA_ERROR_NO_DEVICE\""), service.health());
        }
    }

    @Test
    void packagedServiceReportsNoGpuAndVectorKernels() throws Exception {
        try (ServerProcess service = start(Map.of(), "gpu.log")) {
            assertTrue(service.health().contains("\"gpu\":false"), service.health());
            if (!Files.exists(Path.of("/proc/driver/nvidia/version"))) {
                assertTrue(service.health().contains("libcuda.so.1"), service.health());
            }
            assertTrue(
                    service.health().contains("\"cpuKernels\":\"panama"),
                    "the image's JAVA_TOOL_OPTIONS must enable the Vector API: " + service.health());
        }
    }
}
