package dev.abi.gpu.cuda;

/**
 * Prints what {@code /health} would say about the GPU, as one JSON line, and exits 0 with a GPU, 3 without:
 * {@code java -cp ... dev.abi.gpu.cuda.GpuProbe}. The stub-driver test runs it in a child JVM, because the driver
 * library is looked up once per process.
 */
public final class GpuProbe {

    private GpuProbe() {}

    public static void main(String[] args) {
        try (GpuRuntime rt = GpuRuntime.openDefault()) {
            System.out.println(GpuStatus.of(rt).toJson());
            System.exit(rt.available() ? 0 : 3);
        }
    }
}
