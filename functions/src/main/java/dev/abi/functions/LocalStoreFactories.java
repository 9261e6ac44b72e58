package dev.abi.functions;

import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.LocalDiskObjectStore;
import dev.abi.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The embedded kinds: {@code local} (files under {@code abi.data-dir}) and {@code memory}. */
@ApplicationScoped
public class LocalStoreFactories {

    @Produces
    @ApplicationScoped
    ObjectStoreFactory local() {
        return new ObjectStoreFactory() {
            @Override
            public String kind() {
                return "local";
            }

            @Override
            public ObjectStore create(AbiConfig config) {
                return new LocalDiskObjectStore(Path.of(config.dataDir()));
            }

            @Override
            public ObjectStore forBucket(AbiConfig config, String bucket) {
                return new LocalDiskObjectStore(Path.of(config.dataDir(), "buckets", bucket));
            }
        };
    }

    @Produces
    @ApplicationScoped
    ObjectStoreFactory memory() {
        Map<String, ObjectStore> buckets = new ConcurrentHashMap<>();
        ObjectStore state = new InMemoryObjectStore();
        return new ObjectStoreFactory() {
            @Override
            public String kind() {
                return "memory";
            }

            @Override
            public ObjectStore create(AbiConfig config) {
                return state;
            }

            @Override
            public ObjectStore forBucket(AbiConfig config, String bucket) {
                return buckets.computeIfAbsent(bucket, b -> new InMemoryObjectStore());
            }
        };
    }
}
