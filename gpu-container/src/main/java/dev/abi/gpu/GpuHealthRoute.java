package dev.abi.gpu;

import dev.abi.vector.VectorOpsProvider;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /health} of the GPU service. It reports {@code "gpu":false} until the CUDA backend (JCuda) is built;
 * callers then keep their CPU path. It also says whether an NVIDIA driver is visible on this host, and which CPU
 * kernels (Vector API or scalar) the fallback path runs on.
 */
@ApplicationScoped
public class GpuHealthRoute {

    void register(@Observes Router router) {
        boolean driverVisible = Files.exists(Path.of("/proc/driver/nvidia/version"));
        String body = "{\"status\":\"up\",\"gpu\":false,\"checks\":{\"nvidiaDriverVisible\":" + driverVisible
                + ",\"cudaBackend\":\"not built yet: GPU work falls back to CPU\",\"cpuKernels\":\""
                + VectorOpsProvider.get().name() + "\"}}";
        router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(body));
    }
}
