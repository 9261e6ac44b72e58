package dev.abi.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the packaged service the way its image does: the Dockerfile's JAVA_TOOL_OPTIONS and entry point. */
class GpuContainerProcessIT {

    @TempDir
    Path work;

    @Test
    void packagedServiceReportsNoGpuAndVectorKernels() throws Exception {
        String toolOptions = ServerProcess.javaToolOptions(Path.of("src", "main", "docker", "Dockerfile.jvm"));
        int port = ServerProcess.freePort();
        try (ServerProcess service = ServerProcess.start(
                List.of(
                        ServerProcess.javaLauncher(),
                        "-Dquarkus.http.port=" + port,
                        "-jar",
                        Path.of("target", "quarkus-app", "quarkus-run.jar").toString()),
                Map.of("JAVA_TOOL_OPTIONS", toolOptions),
                work.resolve("gpu.log"),
                port,
                Duration.ofSeconds(60))) {
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
