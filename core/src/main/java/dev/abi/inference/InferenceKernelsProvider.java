package dev.abi.inference;

import dev.abi.simd.KernelBackend;

/**
 * Chooses the {@link InferenceKernels} backend once per JVM, as {@link KernelBackend} decides for every kernel
 * family (the system property {@value KernelBackend#BACKEND_PROPERTY} forces it), and logs which one and why.
 */
public final class InferenceKernelsProvider {

    private static final System.Logger LOG = System.getLogger(InferenceKernelsProvider.class.getName());
    private static final InferenceKernels KERNELS = choose();

    /** System property: {@code false} makes quantized matrices copy each row onto the heap even on JDK 22+. */
    public static final String MAPPED_PROPERTY = "abi.inference.mapped";

    private static final MappedRowKernels MAPPED = loadMapped();

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

    /**
     * The kernels that read Q8_0 and Q4_0 rows in place for {@code ops}, or null where rows are copied: {@code ops} is
     * not the Vector-API backend, the runtime is older than JDK 22 (the class is in the jar's
     * {@code META-INF/versions/22}), or {@value #MAPPED_PROPERTY} is {@code false}.
     */
    static MappedRowKernels mapped(InferenceKernels ops) {
        return ops instanceof PanamaInferenceKernels ? MAPPED : null;
    }

    /** The in-place kernels whatever the backend in use, or null where the runtime lacks them (for tests). */
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
        } else if (!Boolean.parseBoolean(System.getProperty(MAPPED_PROPERTY, "true"))) {
            why = MAPPED_PROPERTY + "=false";
        } else {
            try {
                k = (MappedRowKernels) Class.forName("dev.abi.inference.PanamaMappedRowKernels")
                        .getDeclaredConstructor().newInstance();
                why = "JDK " + Runtime.version().feature();
            } catch (ReflectiveOperationException | LinkageError e) {
                why = "PanamaMappedRowKernels not loadable (" + e + "): a classes directory rather than the "
                        + "multi-release jar?";
            }
        }
        LOG.log(System.Logger.Level.INFO, "Quantized weight rows: {0} ({1})",
                k != null ? "read in place from the mapping" : "copied to the heap per row", why);
        return k;
    }

    private static InferenceKernels choose() {
        InferenceKernels kernels = KernelBackend.panama() ? new PanamaInferenceKernels() : new ScalarInferenceKernels();
        LOG.log(System.Logger.Level.INFO, "Inference kernels: {0} ({1})", kernels.name(), KernelBackend.reason());
        return kernels;
    }
}
