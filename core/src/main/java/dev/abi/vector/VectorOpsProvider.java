package dev.abi.vector;

import dev.abi.simd.KernelBackend;

/**
 * Chooses the {@link VectorOps} backend once per JVM, as {@link KernelBackend} decides for every kernel family, and
 * logs which one and why.
 *
 * <p>The Vector API is used when the {@code jdk.incubator.vector} module is in the boot layer and C2 is available
 * (with {@code -XX:TieredStopAtLevel=1} the API runs interpreted-slow). The system property
 * {@code abi.vector.backend} ({@code panama} or {@code scalar}) forces a choice.
 */
public final class VectorOpsProvider {

    /** System property that forces a backend: {@code panama} or {@code scalar}. */
    public static final String BACKEND_PROPERTY = KernelBackend.BACKEND_PROPERTY;

    private static final System.Logger LOG = System.getLogger(VectorOpsProvider.class.getName());
    private static final VectorOps OPS = choose();

    private VectorOpsProvider() {}

    /** The backend in use. */
    public static VectorOps get() {
        return OPS;
    }

    /** Why the backend in use was chosen, for health output. */
    public static String reason() {
        return KernelBackend.reason();
    }

    /** A scalar backend, whatever was chosen: for tests and benchmarks that compare both. */
    public static VectorOps scalar() {
        return new ScalarVectorOps();
    }

    /** A Vector-API backend, or {@code null} when the module is absent: for tests and benchmarks. */
    public static VectorOps panamaOrNull() {
        return KernelBackend.vectorModulePresent() ? new PanamaVectorOps() : null;
    }

    private static VectorOps choose() {
        VectorOps ops = KernelBackend.panama() ? new PanamaVectorOps() : new ScalarVectorOps();
        LOG.log(System.Logger.Level.INFO, "Vector kernels: {0} ({1})", ops.name(), KernelBackend.reason());
        return ops;
    }
}
