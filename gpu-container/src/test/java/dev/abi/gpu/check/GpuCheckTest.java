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
        Path torch = tmp.resolve("torch.txt");
        Files.writeString(torch, "search f16 3000 x 16, batch 1000, top-10\t2.5\n");
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
        assertTrue(
                r.out().contains("| workload | ours (ms) | PyTorch (ms) | ours / PyTorch throughput | notes |"),
                r.out());
        assertTrue(r.out().contains("| search f16 3000 x 16, batch 1000, top-10 | "), r.out());
        assertTrue(r.out().contains("| 2.500 |"), "PyTorch's time is read from the file: " + r.out());
        assertTrue(r.out().contains("ok   search i8 l2 n=1500 dim=12 queries=9 k=100"), r.out());
        assertTrue(r.out().contains("ok   gemm_f32"), r.out());
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
