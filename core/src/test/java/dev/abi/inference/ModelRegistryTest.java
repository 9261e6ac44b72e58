package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.InMemoryObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models by name: a directory scan, and models kept as objects, fetched once and checked against their SHA-256. */
class ModelRegistryTest {

    private static final Path F32 = GreedyGenerationTest.MODELS.resolve("stories260K-f32.gguf");

    @Test
    void scansADirectoryByFileName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not a model");
        Files.write(dir.resolve("tiny.gguf"), new byte[] {1});
        try (ModelRegistry r = ModelRegistry.scan(dir)) {
            assertEquals(List.of("tiny"), r.names());
            assertThrows(ModelFormatException.class, () -> r.get("tiny"), "a broken file is a typed error");
            assertThrows(UnknownModelException.class, () -> r.get("other"));
        }
        assertEquals(List.of(), ModelRegistry.scan(dir.resolve("absent")).names());
    }

    @Test
    void aStoredModelIsFetchedOnceAndItsChecksumChecked() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(F32), "skipped: " + F32.toAbsolutePath().normalize() + " is absent");
        byte[] bytes = Files.readAllBytes(F32);
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.putIfAbsent("models/stories.gguf", bytes);
        try (ModelRegistry r = new ModelRegistry(
                Map.of(),
                Map.of(
                        "stories", new ModelRegistry.StoredModel(store, "models/stories.gguf", sha),
                        "tampered",
                                new ModelRegistry.StoredModel(store, "models/stories.gguf", "00" + sha.substring(2)),
                        "missing", new ModelRegistry.StoredModel(store, "models/none.gguf", sha)))) {
            ModelRegistry.Loaded loaded = r.get("stories");
            assertEquals(64, loaded.model().config().dim());
            assertTrue(loaded == r.get("stories"), "loaded once per instance");
            ModelFormatException bad = assertThrows(ModelFormatException.class, () -> r.get("tampered"));
            assertTrue(bad.getMessage().contains("SHA-256"), bad.getMessage());
            ModelFormatException gone = assertThrows(ModelFormatException.class, () -> r.get("missing"));
            assertTrue(gone.getMessage().contains("does not exist"), gone.getMessage());
        }
    }
}
