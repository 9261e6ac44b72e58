package dev.abi.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import dev.abi.namespace.ModelCheck;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared ObjectStore contract, the raw conditional answers, and the model check, against Azurite. */
class BlobObjectStoreTest extends ObjectStoreContract {

    private static AzuriteServer azurite;
    private static BlobContainerClient container;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = new AzuriteServer();
        container = azurite.container("abi-state");
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected ObjectStore store() {
        return new BlobObjectStore(container, "tenant-a");
    }

    @Test
    void azuriteAnswersIfNoneMatchStarOnAnExistingBlobWith409() {
        var blob = container.getBlobClient("raw/once").getBlockBlobClient();
        blob.upload(BinaryData.fromString("1"), true);
        BlobStorageException e = assertThrows(
                BlobStorageException.class,
                () -> blob.uploadWithResponse(
                        new BlockBlobSimpleUploadOptions(BinaryData.fromString("2"))
                                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                        null,
                        null));
        assertTrue(e.getStatusCode() == 409 || e.getStatusCode() == 412, "got " + e.getStatusCode());
        System.out.println("Azurite answers If-None-Match: * on an existing blob with " + e.getStatusCode());
    }

    @Test
    void aStaleIfMatchIs412() {
        var blob = container.getBlobClient("raw/cas").getBlockBlobClient();
        String first = blob.upload(BinaryData.fromString("1"), true).getETag();
        blob.uploadWithResponse(
                new BlockBlobSimpleUploadOptions(BinaryData.fromString("2"))
                        .setRequestConditions(new BlobRequestConditions().setIfMatch(first)),
                null,
                null);
        BlobStorageException e = assertThrows(
                BlobStorageException.class,
                () -> blob.uploadWithResponse(
                        new BlockBlobSimpleUploadOptions(BinaryData.fromString("3"))
                                .setRequestConditions(new BlobRequestConditions().setIfMatch(first)),
                        null,
                        null));
        assertEquals(412, e.getStatusCode());
    }

    /** A ranged read sends x-ms-range and Azurite answers with that many bytes, not the 4 MiB blob. */
    @Test
    void getRangeAsksForTheRangeAndOnlyTheRangeComesOver() {
        java.util.List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<Long> lengths = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.azure.core.http.policy.HttpPipelinePolicy counting = (context, next) -> {
            boolean get = context.getHttpRequest().getHttpMethod() == com.azure.core.http.HttpMethod.GET;
            String range = context.getHttpRequest()
                    .getHeaders()
                    .getValue(com.azure.core.http.HttpHeaderName.fromString("x-ms-range"));
            return next.process().doOnNext(response -> {
                if (get) {
                    ranges.add(String.valueOf(range));
                    String length = response.getHeaderValue(com.azure.core.http.HttpHeaderName.CONTENT_LENGTH);
                    lengths.add(length == null ? -1L : Long.parseLong(length));
                }
            });
        };
        BlobObjectStore store = new BlobObjectStore(azurite.container("abi-state", counting), "ranges");
        byte[] large = new byte[4 * 1024 * 1024];
        new java.util.Random(7).nextBytes(large);
        store.putIfAbsent("seg/large.bin", large);
        byte[] got = store.getRange("seg/large.bin", 3_000_000, 4096);
        assertEquals(
                java.util.Arrays.toString(java.util.Arrays.copyOfRange(large, 3_000_000, 3_004_096)),
                java.util.Arrays.toString(got));
        assertEquals(java.util.List.of("bytes=3000000-3004095"), ranges);
        assertEquals(java.util.List.of(4096L), lengths);
    }

    @Test
    void modelCheckOnAzurite() throws Exception {
        ModelCheck.Report r = ModelCheck.run(new BlobObjectStore(container, "model"), 404, 3, 10);
        System.out.println("Azurite model check: " + r);
        assertTrue(r.acknowledged() > 0 && r.statesChecked() > 0, r.toString());
    }
}
