package dev.abi.gpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.gpu.cuda.CudaApi;
import dev.abi.gpu.cuda.GpuRuntime;
import dev.abi.gpu.emulated.EmulatedCudaApi;
import dev.abi.gpu.kernels.Kernels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check's own logic, run on the emulated GPU at toy sizes: it passes on correct kernels, prints the table
 * with PyTorch's numbers beside ours, and fails when a kernel's answer is wrong.
 */
class GpuCheckTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out) {}

    private Run run(CudaApi api) throws Exception {
        return run(api, "search f16 3000 x 16, batch 1000, top-10\t2.5\n");
    }

    private Run run(CudaApi api, String torchTimes) throws Exception {
        Path torch = tmp.resolve("torch.txt");
        Files.writeString(torch, torchTimes);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try (GpuRuntime rt = GpuRuntime.open(() -> api, 0)) {
            int rc = GpuCheck.run(
                    rt,
                    Map.of(
                            "rows",
                            "3000",
                            "dim",
                            "16",
                            "check-rows",
                            "1500",
                            "check-dim",
                            "12",
                            "seed",
                            "5",
                            "torch",
                            torch.toString()));
            return new Run(rc, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void passesOnCorrectKernelsAndPrintsOneTable() throws Exception {
        Run r = run(new EmulatedCudaApi());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains(GpuCheck.TABLE_HEADER), r.out());
        assertTrue(r.out().contains("| search f16 3000 x 16, batch 1000, top-10 | "), r.out());
        assertTrue(r.out().contains("| 2.500 |"), "PyTorch's time is read from the file: " + r.out());
        assertTrue(r.out().contains("ok   search i8 l2 n=1500 dim=12 queries=9 k=100"), r.out());
        assertTrue(r.out().contains("ok   gemm_f32"), r.out());
    }

    /**
     * The emulator, with {@code launch} of {@code throwingKernel} throwing, and fake figures: the device reports
     * {@code bandwidth} (0: unknown) and every timed span lasts {@code millis} (0: the emulator's own 0).
     */
    private static CudaApi emulator(String throwingKernel, long bandwidth, float millis) {
        EmulatedCudaApi real = new EmulatedCudaApi();
        return (CudaApi) Proxy.newProxyInstance(
                CudaApi.class.getClassLoader(), new Class<?>[] {CudaApi.class}, (proxy, method, args) -> {
                    if (method.getName().equals("launch")
                            && ((CudaApi.Kernel) args[0]).name().equals(throwingKernel)) {
                        throw new IllegalStateException("planted: launch of " + throwingKernel + " fails");
                    }
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("elapsedMillis") && millis > 0) {
                        return millis;
                    }
                    if (method.getName().equals("init") || method.getName().equals("device")) {
                        CudaApi.Device d = (CudaApi.Device) result;
                        return new CudaApi.Device(
                                d.ordinal(),
                                d.name(),
                                d.major(),
                                d.minor(),
                                d.totalBytes(),
                                d.multiprocessors(),
                                bandwidth);
                    }
                    return result;
                });
    }

    @Test
    void aKernelThatThrowsFailsItsChecksAndTheRestOfTheTableStillPrints() throws Exception {
        Run r = run(emulator(Kernels.SEARCH_F32, 0, 0));
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("FAIL search f32 cosine n=1500 dim=12 queries=1 k=10: threw"), r.out());
        assertTrue(r.out().contains("ok   search f16 cosine n=1500 dim=12 queries=1 k=10"), r.out());
        assertTrue(r.out().contains("ok   gemm_f32"), r.out());
        String table = r.out().substring(r.out().lastIndexOf(GpuCheck.TABLE_HEADER));
        assertTrue(table.contains("| search f32 3000 x 16, batch 1, top-10 | failed | n/a | n/a |"), table);
        assertTrue(table.contains("| search f16 3000 x 16, batch 1000, top-10 | "), table);
        int row = r.out().indexOf("gpu-check: row | search f16 3000 x 16, batch 1, top-10 |");
        int nextCheck = r.out().indexOf("ok   search f16 3000 x 16, batch 1000, top-10: top-10 of 3 queries");
        assertTrue(row >= 0 && row < nextCheck, "a row is printed before the next workload runs: " + r.out());
    }

    @Test
    void theTableGivesEachTargetsVerdictFromTheFigures() throws Exception {
        // fake figures: every search takes 2 ms against a 100 MB/s peak, so f32 rows (192 kB) read at 96% of it and
        // f16 rows (96 kB) at 48%; PyTorch takes 1.5 ms for f16 batch 1000, so ours is 0.75x its throughput
        Run r = run(emulator("none", 100_000_000L, 2f), "search f16 3000 x 16, batch 1000, top-10\t1.5\n");
        assertEquals(0, r.exit(), r.out());
        String table = r.out().substring(r.out().lastIndexOf(GpuCheck.TABLE_HEADER));
        assertTrue(
                table.matches("(?s).*\\| search f16 3000 x 16, batch 1, top-10 \\|[^\n]*"
                        + "\\| >= 70% of peak bandwidth: MISSED \\(48%\\) \\|\n.*"),
                table);
        assertTrue(
                table.matches("(?s).*\\| search f16 3000 x 16, batch 1000, top-10 \\|[^\n]*"
                        + "\\| >= 0.5x PyTorch: met \\(0.75x\\) \\|\n.*"),
                table);
        assertTrue(table.matches("(?s).*\\| search f32 3000 x 16, batch 1000, top-10 \\|[^\n]*\\|  \\|\n.*"), table);
        assertTrue(table.contains("| search f32 3000 x 16, batch 1, top-10 | 2.000 | n/a | n/a | 0 GB/s"), table);
        assertTrue(table.contains("| >= 70% of peak bandwidth: met (96%) |"), table);
        assertTrue(r.out().contains("gpu-check: targets: 2 met, 1 missed, 0 unknown"), r.out());
    }

    @Test
    void verdictsFollowTheIssuesTargets() {
        GpuCheck.Row bandwidth = new GpuCheck.Row("b1", 1, null, "", GpuCheck.Target.BANDWIDTH, 70);
        assertEquals(">= 70% of peak bandwidth: met (70%)", GpuCheck.verdict(bandwidth, null));
        assertEquals(
                ">= 70% of peak bandwidth: MISSED (69%)",
                GpuCheck.verdict(new GpuCheck.Row("b1", 1, null, "", GpuCheck.Target.BANDWIDTH, 69.4), null));
        assertEquals(
                ">= 70% of peak bandwidth: unknown (the card's peak bandwidth is not reported)",
                GpuCheck.verdict(new GpuCheck.Row("b1", 1, null, "", GpuCheck.Target.BANDWIDTH, Double.NaN), null));
        GpuCheck.Row f16 = new GpuCheck.Row("f16", 10, null, "", GpuCheck.Target.TORCH, Double.NaN);
        assertEquals(">= 0.5x PyTorch: met (0.50x)", GpuCheck.verdict(f16, 5.0));
        assertEquals(">= 0.5x PyTorch: MISSED (0.40x)", GpuCheck.verdict(f16, 4.0));
        assertEquals(">= 0.5x PyTorch: unknown (no PyTorch time)", GpuCheck.verdict(f16, null));
        assertEquals(
                ">= 10x the CPU path: met (14.2x)",
                GpuCheck.verdict(new GpuCheck.Row("e", 1, null, "", GpuCheck.Target.CPU, 14.2), null));
        assertEquals(
                ">= 10x the CPU path: MISSED (3.1x)",
                GpuCheck.verdict(new GpuCheck.Row("e", 1, null, "", GpuCheck.Target.CPU, 3.1), null));
        assertEquals(
                ">= 10x the CPU path: unknown (not measured)",
                GpuCheck.verdict(GpuCheck.Row.failed("e", GpuCheck.Target.CPU, "boom"), null));
        assertEquals("", GpuCheck.verdict(new GpuCheck.Row("f32", 1, null, "", GpuCheck.Target.NONE, 1), 1.0));
    }

    @Test
    void failsWhenTheMergeReturnsWrongIds() throws Exception {
        EmulatedCudaApi real = new EmulatedCudaApi();
        // planted: after every top-k merge, the first query's two best ids are swapped
        CudaApi corrupt = (CudaApi) Proxy.newProxyInstance(
                CudaApi.class.getClassLoader(), new Class<?>[] {CudaApi.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("launch")
                            && ((CudaApi.Kernel) args[0]).name().equals(Kernels.TOPK_MERGE)) {
                        Object[] kernelArgs = (Object[]) args[5];
                        CudaApi.Buffer ids = (CudaApi.Buffer) kernelArgs[5];
                        int k = (Integer) kernelArgs[3];
                        if (k >= 2) {
                            int[] two = new int[2];
                            real.copyOut(ids, 0, two, 0, 2);
                            real.copyIn(ids, 0, new int[] {two[1], two[0]}, 0, 2);
                        }
                    }
                    return result;
                });
        Run r = run(corrupt);
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("FAIL search f32 cosine"), r.out());
    }
}
