package dev.abi.gcp;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.abi.functions.AbiConfig;
import dev.abi.functions.ObjectStoreFactory;
import dev.abi.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code abi.store.kind=gcs}: state in the bucket {@code abi.store.bucket}, with the function's own service account;
 * with {@code abi.store.endpoint} set (an emulator), no credentials.
 */
@ApplicationScoped
public class GcsStoreFactory implements ObjectStoreFactory {

    private volatile Storage storage;

    @Override
    public String kind() {
        return "gcs";
    }

    @Override
    public ObjectStore create(AbiConfig config) {
        String bucket = config.store()
                .bucket()
                .orElseThrow(() -> new IllegalStateException("abi.store.kind=gcs needs abi.store.bucket"));
        return forBucket(config, bucket);
    }

    @Override
    public ObjectStore forBucket(AbiConfig config, String bucket) {
        return new GcsObjectStore(storage(config), bucket, "");
    }

    private Storage storage(AbiConfig config) {
        if (storage == null) {
            synchronized (this) {
                if (storage == null) {
                    StorageOptions.Builder b = StorageOptions.http();
                    config.store()
                            .endpoint()
                            .ifPresent(e -> b.setHost(e)
                                    .setCredentials(NoCredentials.getInstance())
                                    .setProjectId("abi-local"));
                    storage = b.build().getService();
                }
            }
        }
        return storage;
    }
}
