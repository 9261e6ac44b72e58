package dev.abi.vector;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the {@link VectorOps} backend once per JVM and logs which one and why.
 *
 * <p>The Vector API is used when the {@code jdk.incubator.vector} module is in the boot layer and C2 is available
 * (with {@code -XX:TieredStopAtLevel=1} the API runs interpreted-slow). The system property
 * {@code abi.vector.backend} ({@code panama} or {@code scalar}) forces a choice.
 */
public final class VectorOpsProvider {

    /** System property that forces a backend: {@code panama} or {@code scalar}. */
    public static final String BACKEND_PROPERTY = "abi.vector.backend";

    private static final System.Logger LOG = System.getLogger(VectorOpsProvider.class.getName());
    private static final Choice CHOICE = choose();

    private VectorOpsProvider() {
    }

    /** The backend in use. */
    public static VectorOps get() {
        return CHOICE.ops;
    }

    /** Why the backend in use was chosen, for health output. */
    public static String reason() {
        return CHOICE.reason;
    }

    /** A scalar backend, whatever was chosen: for tests and benchmarks that compare both. */
    public static VectorOps scalar() {
        return new ScalarVectorOps();
    }

    /** A Vector-API backend, or {@code null} when the module is absent: for tests and benchmarks. */
    public static VectorOps panamaOrNull() {
        return vectorModulePresent() ? new PanamaVectorOps() : null;
    }

    private record Choice(VectorOps ops, String reason) {
    }

    private static Choice choose() {
        String forced = System.getProperty(BACKEND_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        Choice choice;
        if (forced.equals("scalar")) {
            choice = new Choice(new ScalarVectorOps(), BACKEND_PROPERTY + "=scalar");
        } else if (!vectorModulePresent()) {
            choice = new Choice(new ScalarVectorOps(),
                    "jdk.incubator.vector is not in the boot layer; start the JVM with --add-modules jdk.incubator.vector");
        } else if (forced.equals("panama")) {
            choice = new Choice(new PanamaVectorOps(), BACKEND_PROPERTY + "=panama");
        } else if (c2Disabled()) {
            choice = new Choice(new ScalarVectorOps(),
                    "C2 is disabled (-XX:TieredStopAtLevel below 4): the Vector API would be slower than scalar code");
        } else {
            choice = new Choice(new PanamaVectorOps(), "jdk.incubator.vector present and C2 enabled");
        }
        LOG.log(System.Logger.Level.INFO, "Vector kernels: {0} ({1})", choice.ops.name(), choice.reason);
        return choice;
    }

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static boolean c2Disabled() {
        try {
            List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
            for (String arg : args) {
                if (arg.startsWith("-XX:TieredStopAtLevel=")) {
                    return Integer.parseInt(arg.substring("-XX:TieredStopAtLevel=".length()).trim()) < 4;
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
