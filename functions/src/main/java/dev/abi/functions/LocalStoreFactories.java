package dev.abi.functions;

import dev.abi.store.BucketNames;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.LocalDiskObjectStore;
import dev.abi.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** The embedded kinds: {@code local} (files under {@code abi.data-dir}) and {@code memory}. */
@ApplicationScoped
public class LocalStoreFactories {

    private static final Logger LOG = Logger.getLogger(LocalStoreFactories.class);
    /** Older than any write in progress by a live process sharing the folder. */
    private static final Duration ORPHAN_AGE = Duration.ofHours(1);

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
                LocalDiskObjectStore store = new LocalDiskObjectStore(Path.of(config.dataDir()));
                int orphans = store.collectOrphanTemporaryFiles(ORPHAN_AGE, Clock.systemUTC());
                if (orphans > 0) {
                    LOG.infof(
                            "deleted %d temporary files that writers killed mid-write left in %s",
                            orphans, config.dataDir());
                }
                return store;
            }

            @Override
            public ObjectStore forBucket(AbiConfig config, String bucket) {
                return LocalDiskObjectStore.sourceBucket(Path.of(config.dataDir(), "buckets"), bucket);
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
                return buckets.computeIfAbsent(BucketNames.requireValid(bucket), b -> new InMemoryObjectStore());
            }
        };
    }
}
