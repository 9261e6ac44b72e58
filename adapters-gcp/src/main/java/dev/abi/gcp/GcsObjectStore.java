package dev.abi.gcp;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectKeys;
import dev.abi.store.ObjectNotFoundException;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreException;
import dev.abi.store.PreconditionFailedException;
import dev.abi.store.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@link ObjectStore} on Google Cloud Storage. The etag is the object's generation: create-if-absent is
 * {@code ifGenerationMatch=0} and compare-and-swap is {@code ifGenerationMatch=<generation>}; a lost condition (412)
 * is a {@link PreconditionFailedException}. Reads fetch the bytes of exactly the generation they report.
 */
public final class GcsObjectStore implements ObjectStore {

    private final Storage storage;
    private final String bucket;
    private final String prefix;

    public GcsObjectStore(Storage storage, String bucket, String prefix) {
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    @Override
    public Optional<StoredObject> get(String key) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Blob blob = storage.get(id(key));
                if (blob == null) {
                    return Optional.empty();
                }
                byte[] bytes = storage.readAllBytes(BlobId.of(bucket, blob.getName(), blob.getGeneration()));
                return Optional.of(new StoredObject(bytes, Long.toString(blob.getGeneration())));
            } catch (StorageException e) {
                if (e.getCode() == 404) {
                    continue; // replaced or deleted between the two reads: look again
                }
                throw failure("get", key, e);
            }
        }
        return Optional.empty();
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        if (length <= 0) {
            return new byte[0];
        }
        try (ReadChannel reader = storage.reader(id(key))) {
            reader.seek(offset);
            reader.limit(offset + length);
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining() && reader.read(buf) >= 0) {
                // keep reading until the range or the object ends
            }
            return Arrays.copyOf(buf.array(), buf.position());
        } catch (StorageException e) {
            if (e.getCode() == 404) {
                throw new ObjectNotFoundException(key);
            }
            if (e.getCode() == 416) {
                return new byte[0];
            }
            throw failure("read range of", key, e);
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException se && se.getCode() == 404) {
                throw new ObjectNotFoundException(key);
            }
            throw new ObjectStoreException("GCS could not read range of " + describe() + key, e);
        }
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        try {
            Blob b = storage.create(
                    BlobInfo.newBuilder(id(key)).build(), bytes, Storage.BlobTargetOption.doesNotExist());
            return Long.toString(b.getGeneration());
        } catch (StorageException e) {
            if (e.getCode() == 412) {
                return ObjectKeys.ownCreateOrConflict(this, key, bytes); // maybe our own retried create
            }
            throw failure("create", key, e);
        }
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        long generation;
        try {
            generation = Long.parseLong(expectedEtag);
        } catch (NumberFormatException e) {
            throw new PreconditionFailedException(key, "etag is not a GCS generation");
        }
        try {
            Blob b = storage.create(
                    BlobInfo.newBuilder(BlobId.of(bucket, prefix + key, generation))
                            .build(),
                    bytes,
                    Storage.BlobTargetOption.generationMatch());
            return Long.toString(b.getGeneration());
        } catch (StorageException e) {
            if (e.getCode() == 412 || e.getCode() == 404) {
                throw new PreconditionFailedException(key, "generation does not match");
            }
            throw failure("replace", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) {
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (Blob b : storage.list(bucket, Storage.BlobListOption.prefix(prefix + keyPrefix))
                    .iterateAll()) {
                long modified = b.getUpdateTimeOffsetDateTime() == null
                        ? 0
                        : b.getUpdateTimeOffsetDateTime().toInstant().toEpochMilli();
                out.add(new ObjectInfo(
                        b.getName().substring(prefix.length()),
                        b.getSize(),
                        Long.toString(b.getGeneration()),
                        modified));
            }
        } catch (StorageException e) {
            throw failure("list", keyPrefix, e);
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            storage.delete(id(key));
        } catch (StorageException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public String describe() {
        return "gs://" + bucket + "/" + prefix;
    }

    private BlobId id(String key) {
        return BlobId.of(bucket, prefix + ObjectKeys.requireValid(key));
    }

    private ObjectStoreException failure(String what, String key, StorageException e) {
        return new ObjectStoreException(
                "GCS could not " + what + " " + describe() + key + " (HTTP " + e.getCode() + ")", e);
    }
}
