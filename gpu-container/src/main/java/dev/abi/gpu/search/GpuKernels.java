package dev.abi.gpu.search;

import dev.abi.gpu.cuda.CudaApi;

/** Looks a kernel up by its {@link dev.abi.gpu.kernels.Kernels} name (a {@code GpuRuntime}'s loaded module). */
@FunctionalInterface
public interface GpuKernels {

    CudaApi.Kernel get(String name);
}
