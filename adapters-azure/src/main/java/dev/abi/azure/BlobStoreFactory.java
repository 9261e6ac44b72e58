package dev.abi.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.abi.functions.AbiConfig;
import dev.abi.functions.ObjectStoreFactory;
import dev.abi.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code abi.store.kind=azure-blob}: state in the container {@code abi.store.bucket} of the storage account named by
 * the connection string in {@code ABI_STORAGE_CONNECTION_STRING}, or else {@code AzureWebJobsStorage} (which every
 * Function App has). Source containers of Event Grid events are read with the same client.
 */
@ApplicationScoped
public class BlobStoreFactory implements ObjectStoreFactory {

    private volatile BlobServiceClient client;

    @Override
    public String kind() {
        return "azure-blob";
    }

    @Override
    public ObjectStore create(AbiConfig config) {
        String container = config.store()
                .bucket()
                .orElseThrow(() -> new IllegalStateException("abi.store.kind=azure-blob needs abi.store.bucket"));
        return forBucket(config, container);
    }

    @Override
    public ObjectStore forBucket(AbiConfig config, String container) {
        return new BlobObjectStore(client(config).getBlobContainerClient(container), "");
    }

    private BlobServiceClient client(AbiConfig config) {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    String cs =
                            config.store().connectionString().orElse(System.getenv("ABI_STORAGE_CONNECTION_STRING"));
                    if (cs == null || cs.isBlank()) {
                        cs = System.getenv("AzureWebJobsStorage");
                    }
                    if (cs == null || cs.isBlank()) {
                        throw new IllegalStateException("abi.store.kind=azure-blob needs abi.store.connection-string,"
                                + " ABI_STORAGE_CONNECTION_STRING"
                                + " or AzureWebJobsStorage");
                    }
                    client = new BlobServiceClientBuilder()
                            .connectionString(cs)
                            .httpClient(new JdkHttpClientBuilder().build())
                            .buildClient();
                }
            }
        }
        return client;
    }
}
