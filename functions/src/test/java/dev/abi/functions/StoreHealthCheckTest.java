package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.abi.store.LocalDiskObjectStore;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The anonymous health entry of the object store names its kind, never where the data lives. */
class StoreHealthCheckTest {

    @TempDir
    Path dir;

    @Test
    void aLocalStoreIsUpOnLocalDiskWithoutItsPath() {
        LocalDiskObjectStore store = new LocalDiskObjectStore(dir.resolve("data"));
        String status = new StoreHealthCheck(store, "local").check();
        assertEquals("up (local disk)", status);
        assertFalse(status.contains(dir.toString()));
    }

    @Test
    void aFailingStoreIsDownWithoutItsPath() {
        // every call fails as a local store does, naming the absolute path of the file it could not read
        ObjectStore failing = (ObjectStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("describe")) {
                        return "local-disk:" + dir;
                    }
                    throw new ObjectStoreException(
                            "cannot read " + dir.resolve("data/health/probe"), new IOException("Input/output error"));
                });
        StoreHealthCheck check = new StoreHealthCheck(failing, "local");
        IllegalStateException e = assertThrows(IllegalStateException.class, check::check);
        assertFalse(e.getMessage().contains(dir.toString()), e.getMessage());
        assertEquals(
                "local disk store unreachable", e.getMessage().substring(0, "local disk store unreachable".length()));
    }

    @Test
    void cloudKindsAreNamedByKind() {
        assertEquals("s3", StoreHealthCheck.label("s3"));
        assertEquals("in memory", StoreHealthCheck.label("memory"));
    }
}
