package dev.abi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDiskObjectStoreTest extends ObjectStoreContract {

    @TempDir
    Path dir;
    private ObjectStore store;

    @Override
    protected ObjectStore store() {
        if (store == null) {
            store = new LocalDiskObjectStore(dir);
        }
        return store;
    }

    @Test
    void keysCannotEscapeTheRoot() {
        assertThrows(IllegalArgumentException.class, () -> store().putIfAbsent("../outside", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store().get("/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> store().get("a//b"));
    }

    @Test
    void noTemporaryFilesAreLeftOrListed() throws Exception {
        store().putIfAbsent("x/a.bin", new byte[] {1});
        String etag = store().get("x/a.bin").orElseThrow().etag();
        store().putIfMatch("x/a.bin", new byte[] {2}, etag);
        try (var files = Files.list(dir.resolve("x"))) {
            assertEquals(1, files.count());
        }
        assertEquals(1, store().list("x/").size());
    }
}
