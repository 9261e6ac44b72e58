package dev.abi.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.BlobTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.abi.adapters.CanonicalCloudEvents;
import dev.abi.adapters.ObjectEventHandler;
import dev.abi.events.IndexResult;
import dev.abi.events.ObjectCreated;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * Blob trigger on the container named by the app setting {@code ABI_INGEST_CONTAINER}: a blob written there is
 * indexed. The host polls and passes no version, so the blob's etag, read with it, tells writes apart. It sees no
 * deletions: use the Event Grid trigger ({@link AzureEventGridFunction}) to have removed blobs leave the index.
 */
public class AzureBlobFunction {

    @Inject
    ObjectEventHandler handler;

    @FunctionName("blobIndexer")
    public void handle(
            @BlobTrigger(
                            name = "content",
                            path = "%ABI_INGEST_CONTAINER%/{name}",
                            dataType = "binary",
                            connection = "AzureWebJobsStorage")
                    byte[] content,
            @BindingName("name") String name,
            @BindingName("BlobTrigger") String blobPath,
            ExecutionContext context) {
        apply(content, name, blobPath);
    }

    /** What {@link #handle} does, returning the outcome. */
    public String apply(byte[] content, String name, String blobPath) {
        int slash = blobPath == null ? -1 : blobPath.indexOf('/');
        String container = slash > 0 ? blobPath.substring(0, slash) : System.getenv("ABI_INGEST_CONTAINER");
        IndexResult result = handler.handle(CanonicalCloudEvents.of(
                new ObjectCreated(container, name, null, null, content == null ? -1 : content.length, Instant.now())));
        return result.outcome().name();
    }
}
