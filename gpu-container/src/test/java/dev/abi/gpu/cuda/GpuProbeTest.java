package dev.abi.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real JCuda binding on a machine without a GPU: without a driver it names {@code libcuda.so.1}; with a stub
 * driver built here by gcc it reports the stub's {@code cuInit} result. Each case runs {@link GpuProbe} in a child
 * JVM, since the driver library is looked up once per process.
 */
class GpuProbeTest {

    @TempDir
    Path tmp;

    record Probe(int exit, String out) {}

    @Test
    void withoutADriverTheReasonNamesLibcuda() throws Exception {
        Assumptions.assumeFalse(
                Files.exists(Path.of("/proc/driver/nvidia/version")),
                "an NVIDIA driver is installed here: the no-driver case cannot be shown");
        Probe p = probe(null);
        assertEquals(3, p.exit(), p.out());
        assertTrue(p.out().contains("\"gpu\":false"), p.out());
        assertTrue(
                p.out()
                        .contains(
                                "\"reason\":\"the CUDA driver cannot be loaded: libJCudaDriver-12.6.0-linux-x86_64.so:"
                                        + " libcuda.so.1: cannot open shared object file: No such file or directory\""),
                p.out());
    }

    @Test
    void theLoadFailureIsCutToTheLinkersLine() {
        String jcuda = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib\n"
                + "\tat java.base/java.lang.ClassLoader.loadLibrary(Unknown Source)\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/jcuda-1234/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot"
                + " open shared object file: No such file or directory\n\tat jcuda.LibUtils.loadLibrary(LibUtils.java:1)";
        assertEquals(
                "libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such"
                        + " file or directory",
                JCudaApi.linkFailure(jcuda));
        assertEquals("something else", JCudaApi.linkFailure("something else\nmore"));
    }

    @Test
    void aStubDriverWithNoDeviceReportsCudaErrorNoDevice() throws Exception {
        Probe p = probe(stub(100));
        assertEquals(3, p.exit(), p.out());
        assertTrue(p.out().contains("\"gpu\":false"), p.out());
        assertTrue(p.out().contains("\"reason\":\"cuInit: CUDA_ERROR_NO_DEVICE\""), p.out());
    }

    @Test
    void theReasonIsTheDriversAnswerNotAFixedText() throws Exception {
        // planted: a stub whose cuInit answers CUDA_ERROR_INVALID_DEVICE (101) must not read as "no device"
        Probe p = probe(stub(101));
        assertEquals(3, p.exit(), p.out());
        assertTrue(p.out().contains("CUDA_ERROR_INVALID_DEVICE"), p.out());
        assertFalse(p.out().contains("CUDA_ERROR_NO_DEVICE"), p.out());
    }

    private Path stub(int cuInitResult) throws Exception {
        return StubDriver.build(tmp, cuInitResult);
    }

    private Probe probe(Path driverDir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                GpuProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        if (driverDir != null) {
            pb.environment().put("LD_LIBRARY_PATH", driverDir.toString());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe did not finish: " + out);
        return new Probe(p.exitValue(), out);
    }
}
