package dev.abi.gpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checked-in PTX against its source, the Java entry names and ptxas; each check also sees a planted mistake. */
class KernelArtifactsTest {

    private static final Path SOURCE = Path.of("src", "main", "cuda", "abi_kernels.cu");
    private static final Path PTX = Path.of("src", "main", "resources", "kernels", "abi_kernels.ptx");
    private static final Path HASH = Path.of("src", "main", "resources", "kernels", "abi_kernels.ptx.sha256");

    @TempDir
    Path tmp;

    @Test
    void checkedInPtxWasBuiltFromTheCurrentSource() throws Exception {
        assertEquals(List.of(), KernelArtifacts.staleness(SOURCE, Files.readString(HASH)));
        // what the service loads is the same file
        assertEquals(Files.readString(PTX), Kernels.ptx());
    }

    @Test
    void aChangedSourceMakesThePtxStale() throws Exception {
        Path edited = tmp.resolve("abi_kernels.cu");
        Files.writeString(edited, Files.readString(SOURCE).replace("ABI_CHUNK 1024", "ABI_CHUNK 2048"));
        List<String> problems = KernelArtifacts.staleness(edited, Files.readString(HASH));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("stale"), problems.get(0));
    }

    @Test
    void everyJavaKernelNameIsAPtxEntryAndBack() throws Exception {
        String ptx = Files.readString(PTX);
        assertEquals(List.of(), KernelArtifacts.nameMismatches(ptx, Kernels.ALL));
        assertEquals(Kernels.ALL.size(), KernelArtifacts.entries(ptx).size());
    }

    @Test
    void aRenamedKernelIsReportedFromBothSides() throws Exception {
        String ptx = Files.readString(PTX).replace(".entry abi_topk_merge(", ".entry abi_topk_merge2(");
        List<String> problems = KernelArtifacts.nameMismatches(ptx, Kernels.ALL);
        assertEquals(
                List.of(
                        "kernel 'abi_topk_merge' named in Kernels is not an entry of the PTX",
                        "PTX entry 'abi_topk_merge2' is not named in Kernels"),
                problems);
        List<String> javaNames = new ArrayList<>(Kernels.ALL);
        javaNames.set(javaNames.indexOf(Kernels.GEMM_F32), "abi_gemm_f16");
        assertEquals(
                2,
                KernelArtifacts.nameMismatches(Files.readString(PTX), javaNames).size());
    }

    @Test
    void constantsMatchTheSourceDefines() throws Exception {
        String cu = Files.readString(SOURCE);
        assertTrue(cu.contains("#define ABI_CHUNK " + Kernels.CHUNK + "\n"));
        assertTrue(cu.contains("#define ABI_MAX_QT " + Kernels.MAX_QUERY_TILE + "\n"));
        assertTrue(cu.contains("#define ABI_WARPS " + Kernels.SEARCH_THREADS / 32 + "\n"));
        assertTrue(cu.contains("#define ABI_TILE " + Kernels.GEMM_TILE + "\n"));
        assertTrue(cu.contains("#define ABI_METRIC_COSINE " + Kernels.METRIC_COSINE + "\n"));
        assertTrue(cu.contains("#define ABI_METRIC_DOT " + Kernels.METRIC_DOT + "\n"));
        assertTrue(cu.contains("#define ABI_METRIC_L2 " + Kernels.METRIC_L2 + "\n"));
    }

    @Test
    void ptxasForSm90AcceptsThePtxAndRejectsABrokenOne() throws Exception {
        String ptxas = KernelArtifacts.findPtxas();
        Assumptions.assumeTrue(
                ptxas != null,
                "ptxas is not installed (set PTXAS or put it on PATH): skipping the"
                        + " ptxas check of the checked-in PTX");
        assertEquals(List.of(), KernelArtifacts.ptxasProblems(ptxas, PTX, "sm_90"));
        Path broken = tmp.resolve("broken.ptx");
        Files.writeString(broken, Files.readString(PTX).replaceFirst("fma\\.rn\\.f32", "fma.rn.f77"));
        List<String> problems = KernelArtifacts.ptxasProblems(ptxas, broken, "sm_90");
        assertFalse(problems.isEmpty(), "ptxas accepted a PTX with an invalid instruction");
    }
}
