package dev.abi.gpu.cuda;

import dev.abi.gpu.kernels.Kernels;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One GPU, opened once: the driver context, the loaded kernel module and the single thread every GPU call runs on
 * (a CUDA context is current on one thread; serializing also keeps kernels from competing). When the GPU cannot be
 * opened, {@link #available()} is false and {@link #reason()} says why; nothing is ever run on the CPU instead.
 */
public final class GpuRuntime implements AutoCloseable {

    private final CudaApi api;
    private final CudaApi.Device device;
    private final String reason;
    private final Map<String, CudaApi.Kernel> kernels = new HashMap<>();
    private final ExecutorService thread;

    private GpuRuntime(CudaApi api, CudaApi.Device device, String reason, ExecutorService thread) {
        this.api = api;
        this.device = device;
        this.reason = reason;
        this.thread = thread;
    }

    /**
     * Opens device {@code ordinal} through {@code binding} and loads the kernels; never throws for a missing GPU.
     */
    public static GpuRuntime open(Supplier<CudaApi> binding, int ordinal) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gpu");
            t.setDaemon(true);
            return t;
        });
        try {
            return thread.submit(() -> {
                        CudaApi api;
                        try {
                            api = binding.get();
                        } catch (LinkageError e) {
                            return unavailable("the CUDA binding cannot be loaded: " + e, thread);
                        }
                        try {
                            CudaApi.Device device = api.init(ordinal);
                            GpuRuntime rt = new GpuRuntime(api, device, null, thread);
                            CudaApi.Module module = api.loadModule(Kernels.ptx());
                            for (String name : Kernels.ALL) {
                                rt.kernels.put(name, api.kernel(module, name));
                            }
                            return rt;
                        } catch (GpuUnavailableException e) {
                            return unavailable(e.getMessage(), thread);
                        } catch (CudaException e) {
                            api.close();
                            return unavailable(e.getMessage(), thread);
                        }
                    })
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            return unavailable(String.valueOf(e.getCause()), thread);
        }
    }

    /** Opens device 0 through JCuda. */
    public static GpuRuntime openDefault() {
        return open(JCudaApi::new, 0);
    }

    private static GpuRuntime unavailable(String reason, ExecutorService thread) {
        thread.shutdown();
        return new GpuRuntime(null, null, reason, null);
    }

    public boolean available() {
        return api != null;
    }

    /** Why there is no GPU; null when there is one. */
    public String reason() {
        return reason;
    }

    /** @throws GpuUnavailableException when there is no GPU */
    public CudaApi.Device device() {
        requireGpu();
        return device;
    }

    /** A kernel of the loaded module by its {@link Kernels} name. */
    public CudaApi.Kernel kernel(String name) {
        CudaApi.Kernel k = kernels.get(name);
        if (k == null) {
            throw new IllegalArgumentException("no kernel '" + name + "'");
        }
        return k;
    }

    /**
     * Runs {@code work} on the GPU thread with the driver binding and waits for it.
     *
     * @throws GpuUnavailableException when there is no GPU
     */
    public <T> T call(Function<CudaApi, T> work) {
        requireGpu();
        Callable<T> task = () -> work.apply(api);
        try {
            return thread.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the GPU", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Free device memory in bytes. */
    public long freeMemory() {
        return call(CudaApi::freeMemory);
    }

    private void requireGpu() {
        if (api == null) {
            throw new GpuUnavailableException(reason, null);
        }
    }

    @Override
    public void close() {
        if (api != null) {
            call(a -> {
                a.close();
                return null;
            });
            thread.shutdown();
        }
    }
}
