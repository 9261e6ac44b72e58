package dev.abi.simd;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Whether kernels run on the Vector API ({@code jdk.incubator.vector}) or in plain Java: decided once per JVM, with
 * its reason, for every family of kernels (the index's {@code dev.abi.vector.VectorOps}, inference's
 * {@code dev.abi.inference.InferenceKernels}), so that they agree. Each family's provider instantiates its own
 * classes from this one decision and logs what it chose.
 *
 * <p>The Vector API is used when the module is in the boot layer and C2 is available (with
 * {@code -XX:TieredStopAtLevel=1} the API runs interpreted-slow). The system property {@value #BACKEND_PROPERTY}
 * ({@code panama} or {@code scalar}) forces a choice.
 */
public final class KernelBackend {

    /** System property that forces a backend: {@code panama} or {@code scalar}. */
    public static final String BACKEND_PROPERTY = "abi.vector.backend";

    private static final KernelBackend CHOICE = choose();

    private final boolean panama;
    private final String reason;

    private KernelBackend(boolean panama, String reason) {
        this.panama = panama;
        this.reason = reason;
    }

    /** Whether the kernels in use are the Vector-API ones. */
    public static boolean panama() {
        return CHOICE.panama;
    }

    /** Why the backend in use was chosen, for logs and health output. */
    public static String reason() {
        return CHOICE.reason;
    }

    /** Whether {@code jdk.incubator.vector} is in the boot layer, so that the Vector-API kernels can load at all. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static KernelBackend choose() {
        String forced = System.getProperty(BACKEND_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (forced.equals("scalar")) {
            return new KernelBackend(false, BACKEND_PROPERTY + "=scalar");
        } else if (!vectorModulePresent()) {
            return new KernelBackend(
                    false,
                    "jdk.incubator.vector is not in the boot layer; start the JVM with --add-modules jdk.incubator.vector");
        } else if (forced.equals("panama")) {
            return new KernelBackend(true, BACKEND_PROPERTY + "=panama");
        } else if (c2Disabled()) {
            return new KernelBackend(
                    false,
                    "C2 is disabled (-XX:TieredStopAtLevel below 4): the Vector API would be slower than scalar code");
        }
        return new KernelBackend(true, "jdk.incubator.vector present and C2 enabled");
    }

    private static boolean c2Disabled() {
        try {
            List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
            for (String arg : args) {
                if (arg.startsWith("-XX:TieredStopAtLevel=")) {
                    return Integer.parseInt(arg.substring("-XX:TieredStopAtLevel=".length())
                                    .trim())
                            < 4;
                }
                if (arg.equals("-XX:-TieredCompilation")) {
                    return false;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // java.management may be absent in a jlinked image; assume the default (C2 on).
        }
        return false;
    }
}
