package dev.abi.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectKeys;
import dev.abi.store.ObjectNotFoundException;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreException;
import dev.abi.store.PreconditionFailedException;
import dev.abi.store.StoredObject;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link ObjectStore} on Azure Blob Storage (block blobs) with its conditional headers: {@code If-None-Match: *} to
 * create and {@code If-Match: <etag>} to swap. A lost condition is a {@link PreconditionFailedException}, whether the
 * service answers 412 or, as Azurite and Blob Storage do for an existing blob under {@code If-None-Match: *}, 409.
 */
public final class BlobObjectStore implements ObjectStore {

    private final BlobContainerClient container;
    private final String prefix;

    public BlobObjectStore(BlobContainerClient container, String prefix) {
        this.container = container;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    @Override
    public Optional<StoredObject> get(String key) {
        BlobClient blob = blob(key);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            var r = blob.downloadStreamWithResponse(out, null, null, null, false, null, Context.NONE);
            return Optional.of(new StoredObject(
                    out.toByteArray(), r.getDeserializedHeaders().getETag()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw failure("get", key, e);
        }
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        if (length <= 0) {
            return new byte[0];
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(length);
            blob(key)
                    .downloadStreamWithResponse(
                            out, new BlobRange(offset, (long) length), null, null, false, null, Context.NONE);
            return out.toByteArray();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new ObjectNotFoundException(key);
            }
            if (e.getStatusCode() == 416) {
                return new byte[0];
            }
            throw failure("read range of", key, e);
        }
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        try {
            return upload(key, bytes, new BlobRequestConditions().setIfNoneMatch("*"));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return ObjectKeys.ownCreateOrConflict(this, key, bytes); // maybe our own retried create
            }
            throw failure("create", key, e);
        }
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        try {
            return upload(key, bytes, new BlobRequestConditions().setIfMatch(expectedEtag));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 412 || e.getStatusCode() == 409 || e.getStatusCode() == 404) {
                throw new PreconditionFailedException(key, "etag does not match");
            }
            throw failure("replace", key, e);
        }
    }

    private String upload(String key, byte[] bytes, BlobRequestConditions conditions) {
        Response<BlockBlobItem> r = blob(key)
                .getBlockBlobClient()
                .uploadWithResponse(
                        new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes)).setRequestConditions(conditions),
                        null,
                        Context.NONE);
        return r.getValue().getETag();
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) {
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix + keyPrefix), null)) {
                var p = item.getProperties();
                out.add(new ObjectInfo(
                        item.getName().substring(prefix.length()),
                        p.getContentLength(),
                        p.getETag(),
                        p.getLastModified() == null
                                ? 0
                                : p.getLastModified().toInstant().toEpochMilli()));
            }
        } catch (BlobStorageException e) {
            throw failure("list", keyPrefix, e);
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            blob(key).deleteIfExists();
        } catch (BlobStorageException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public String describe() {
        return "azure-blob://" + container.getAccountName() + "/" + container.getBlobContainerName() + "/" + prefix;
    }

    private BlobClient blob(String key) {
        return container.getBlobClient(prefix + ObjectKeys.requireValid(key));
    }

    private ObjectStoreException failure(String what, String key, BlobStorageException e) {
        return new ObjectStoreException(
                "Blob Storage could not " + what + " " + describe() + key + " (HTTP " + e.getStatusCode() + " "
                        + e.getErrorCode() + ")",
                e);
    }
}
