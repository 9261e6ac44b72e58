package dev.abi.inference;

import dev.abi.simd.KernelBackend;

/**
 * Chooses the {@link InferenceKernels} backend once per JVM, as {@link KernelBackend} decides for every kernel
 * family (the system property {@value KernelBackend#BACKEND_PROPERTY} forces it), and logs which one and why.
 */
public final class InferenceKernelsProvider {

    private static final System.Logger LOG = System.getLogger(InferenceKernelsProvider.class.getName());
    private static final InferenceKernels KERNELS = choose();

    private InferenceKernelsProvider() {
    }

    /** The backend in use. */
    public static InferenceKernels get() {
        return KERNELS;
    }

    /** A scalar backend, whatever was chosen: for tests and benchmarks that compare both. */
    public static InferenceKernels scalar() {
        return new ScalarInferenceKernels();
    }

    /** A Vector-API backend, or {@code null} when the module is absent: for tests and benchmarks. */
    public static InferenceKernels panamaOrNull() {
        return KernelBackend.vectorModulePresent() ? new PanamaInferenceKernels() : null;
    }

    private static InferenceKernels choose() {
        InferenceKernels kernels = KernelBackend.panama() ? new PanamaInferenceKernels() : new ScalarInferenceKernels();
        LOG.log(System.Logger.Level.INFO, "Inference kernels: {0} ({1})", kernels.name(), KernelBackend.reason());
        return kernels;
    }
}
