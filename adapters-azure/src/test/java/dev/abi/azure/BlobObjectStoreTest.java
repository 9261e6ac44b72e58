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
        BlobStorageException e = assertThrows(BlobStorageException.class, () -> blob.uploadWithResponse(
                new BlockBlobSimpleUploadOptions(BinaryData.fromString("2"))
                        .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), null, null));
        assertTrue(e.getStatusCode() == 409 || e.getStatusCode() == 412, "got " + e.getStatusCode());
        System.out.println("Azurite answers If-None-Match: * on an existing blob with " + e.getStatusCode());
    }

    @Test
    void aStaleIfMatchIs412() {
        var blob = container.getBlobClient("raw/cas").getBlockBlobClient();
        String first = blob.upload(BinaryData.fromString("1"), true).getETag();
        blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromString("2"))
                .setRequestConditions(new BlobRequestConditions().setIfMatch(first)), null, null);
        BlobStorageException e = assertThrows(BlobStorageException.class, () -> blob.uploadWithResponse(
                new BlockBlobSimpleUploadOptions(BinaryData.fromString("3"))
                        .setRequestConditions(new BlobRequestConditions().setIfMatch(first)), null, null));
        assertEquals(412, e.getStatusCode());
    }

    @Test
    void modelCheckOnAzurite() throws Exception {
        ModelCheck.Report r = ModelCheck.run(new BlobObjectStore(container, "model"), 404, 3, 10);
        System.out.println("Azurite model check: " + r);
        assertTrue(r.acknowledged() > 0 && r.statesChecked() > 0, r.toString());
    }
}
