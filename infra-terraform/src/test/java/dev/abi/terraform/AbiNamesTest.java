package dev.abi.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The names the contract check accepts come from the code: the config mapping and the packages' getenv constants. */
class AbiNamesTest {

    private static boolean known(List<Pattern> mapping, String name) {
        return mapping.stream().anyMatch(p -> p.matcher(name).matches());
    }

    @Test
    void theMappingGivesNestedNamesKebabCaseAndMapKeys() {
        List<Pattern> mapping = AbiNames.fromMapping();
        for (String name : List.of(
                "ABI_STORE_BUCKET",
                "ABI_STORE_KIND",
                "ABI_METADATA_TABLE",
                "ABI_DATA_DIR",
                "ABI_INDEXING_MAX_OBJECT_BYTES",
                "ABI_AUTH_JWT_HS256_SECRET",
                "ABI_MODELS_MINILM_SHA256",
                "ABI_RATE_LIMITS_DEFAULT_LIMIT",
                "ABI_GPU_URL",
                "ABI_GPU_MIN_WORK")) {
            assertTrue(known(mapping, name), name);
        }
        for (String name : List.of("ABI_STORE_BUKET", "ABI_STORE", "ABI_MODELS_MINILM", "ABI_GPU_URI")) {
            assertFalse(known(mapping, name), name);
        }
    }

    @Test
    void onlyWholeConstantsCount() {
        // a class file's UTF-8 constants: tag 1, a two-byte length, the bytes
        byte[] bytes = {
            0, 1, 0, 20, 'A', 'B', 'I', '_', 'I', 'N', 'G', 'E', 'S', 'T', '_', 'C', 'O', 'N', 'T', 'A', 'I', 'N', 'E',
            'R', 1, 0, 6, '%', 'A', 'B', 'I', '_', 'X'
        };
        Set<String> names = new TreeSet<>();
        Artifacts.abiConstants(bytes, names);
        assertEquals(Set.of("ABI_INGEST_CONTAINER"), names);
    }

    @Test
    void configPropertyNamesCountInEnvironmentForm() {
        byte[] name = "abi.priming.on-start".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[name.length + 3];
        bytes[0] = 1;
        bytes[2] = (byte) name.length;
        System.arraycopy(name, 0, bytes, 3, name.length);
        Set<String> names = new TreeSet<>();
        Artifacts.abiConstants(bytes, names);
        assertEquals(Set.of("ABI_PRIMING_ON_START"), names);
    }

    @Test
    void theAwsPackageReadsThePrimingSettings() {
        Artifacts.Contents aws = Artifacts.of(ModulesTest.REPO, Artifacts.Kind.AWS);
        assertEquals(null, aws.problem());
        assertTrue(
                aws.abiNames().containsAll(Set.of("ABI_PRIMING_ON_START", "ABI_PRIMING_MAX_NAMESPACES")),
                aws.abiNames().toString());
    }

    @Test
    void theGpuContainerReadsItsDataDirAndNoStoreSettings() {
        Artifacts.Contents gpu = Artifacts.of(ModulesTest.REPO, Artifacts.Kind.GPU);
        assertEquals(null, gpu.problem());
        assertTrue(
                gpu.abiNames().containsAll(Set.of("ABI_DATA_DIR", "ABI_GPU_PRECISION")),
                gpu.abiNames().toString());
        assertFalse(gpu.abiNames().contains("ABI_STORE_KIND"), gpu.abiNames().toString());
        assertFalse(gpu.abiNames().contains("ABI_STORE_BUCKET"), gpu.abiNames().toString());
    }

    @Test
    void theAzurePackageReadsItsIngestContainerWithGetenv() {
        Artifacts.Contents azure = Artifacts.of(ModulesTest.REPO, Artifacts.Kind.AZURE);
        assertEquals(null, azure.problem());
        assertTrue(
                azure.abiNames().contains("ABI_INGEST_CONTAINER"),
                azure.abiNames().toString());
    }
}
