package dev.abi.inference;

import dev.abi.simd.KernelBackend;

/**
 * Chooses the {@link InferenceKernels} backend once per JVM, as {@link KernelBackend} decides for every kernel
 * family (the system property {@value KernelBackend#BACKEND_PROPERTY} forces it), and logs which one and why.
 */
public final class InferenceKernelsProvider {

    private static final System.Logger LOG = System.getLogger(InferenceKernelsProvider.class.getName());
    private static final InferenceKernels KERNELS = choose();

    /**
     * System property: {@code true} makes Q8_0/Q4_0 matrices read their rows in place on JDK 22+ instead of copying
     * each row onto the heap first. Off by default: measured in one JVM, interleaved, the in-place kernels took 1.6x
     * (Q4_0) and 2.2x (Q8_0) the time of copy-then-compute on a 2048x8192 matrix, though C2 gives them fewer
     * instructions per block (the bulk copy streams the row into L1 faster than the kernel's demand loads do).
     */
    public static final String MAPPED_PROPERTY = "abi.inference.mapped";

    private static final boolean MAPPED_ON = Boolean.parseBoolean(System.getProperty(MAPPED_PROPERTY, "false"));

    private static final MappedRowKernels MAPPED = loadMapped();

    private InferenceKernelsProvider() {}

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

    /**
     * The kernels that read Q8_0 and Q4_0 rows in place for {@code ops}, or null where rows are copied: {@code ops} is
     * not the Vector-API backend, the runtime is older than JDK 22 (the class is in the jar's
     * {@code META-INF/versions/22}), or {@value #MAPPED_PROPERTY} is not {@code true} (the default).
     */
    static MappedRowKernels mapped(InferenceKernels ops) {
        return MAPPED_ON && ops instanceof PanamaInferenceKernels ? MAPPED : null;
    }

    /**
     * The in-place kernels whatever the backend and {@value #MAPPED_PROPERTY}, or null where the runtime lacks them
     * (for tests and benchmarks).
     */
    static MappedRowKernels mappedOrNull() {
        return MAPPED;
    }

    private static MappedRowKernels loadMapped() {
        String why;
        MappedRowKernels k = null;
        if (!KernelBackend.vectorModulePresent()) {
            why = "no Vector API";
        } else if (Runtime.version().feature() < 22) {
            why = "JDK " + Runtime.version().feature() + " (needs 22 for MemorySegment vector loads)";
        } else {
            try {
                k = (MappedRowKernels) Class.forName("dev.abi.inference.PanamaMappedRowKernels")
                        .getDeclaredConstructor()
                        .newInstance();
                why = "JDK " + Runtime.version().feature();
            } catch (ReflectiveOperationException | LinkageError e) {
                why = "PanamaMappedRowKernels not loadable (" + e + "): a classes directory rather than the "
                        + "multi-release jar?";
            }
        }
        boolean used = k != null && MAPPED_ON;
        LOG.log(
                System.Logger.Level.INFO,
                "Quantized weight rows: {0} ({1})",
                used ? "read in place from the mapping" : "copied to the heap per row",
                used ? why : k != null ? MAPPED_PROPERTY + " is not true" : why);
        return k;
    }

    private static InferenceKernels choose() {
        InferenceKernels kernels = KernelBackend.panama() ? new PanamaInferenceKernels() : new ScalarInferenceKernels();
        LOG.log(System.Logger.Level.INFO, "Inference kernels: {0} ({1})", kernels.name(), KernelBackend.reason());
        return kernels;
    }
}
