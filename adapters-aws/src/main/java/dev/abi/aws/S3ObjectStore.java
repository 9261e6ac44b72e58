package dev.abi.aws;

import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectKeys;
import dev.abi.store.ObjectNotFoundException;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreException;
import dev.abi.store.PreconditionFailedException;
import dev.abi.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ObjectStore} on Amazon S3 with its conditional writes: {@code If-None-Match: *} for create-if-absent and
 * {@code If-Match: <etag>} for compare-and-swap. A lost condition (412, or 409 for a concurrent conditional write)
 * is a {@link PreconditionFailedException}.
 */
public final class S3ObjectStore implements ObjectStore {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    /**
     * @param prefix key prefix inside the bucket ({@code ""} for none), so one bucket can hold several deployments
     */
    public S3ObjectStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    @Override
    public Optional<StoredObject> get(String key) {
        try {
            ResponseBytes<GetObjectResponse> r =
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(full(key)));
            return Optional.of(new StoredObject(r.asByteArray(), r.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
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
            return s3.getObjectAsBytes(
                            b -> b.bucket(bucket).key(full(key)).range("bytes=" + offset + "-" + (offset + length - 1)))
                    .asByteArray();
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new ObjectNotFoundException(key);
            }
            if (e.statusCode() == 416) {
                return new byte[0];
            }
            throw failure("read range of", key, e);
        }
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        try {
            return s3.putObject(b -> b.bucket(bucket).key(full(key)).ifNoneMatch("*"), RequestBody.fromBytes(bytes))
                    .eTag();
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return ObjectKeys.ownCreateOrConflict(this, key, bytes); // maybe our own retried create
            }
            throw failure("create", key, e);
        }
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        try {
            return s3.putObject(
                            b -> b.bucket(bucket).key(full(key)).ifMatch(expectedEtag), RequestBody.fromBytes(bytes))
                    .eTag();
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409 || e.statusCode() == 404) {
                throw new PreconditionFailedException(key, "etag does not match");
            }
            throw failure("replace", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) {
        return list(keyPrefix, null, Integer.MAX_VALUE);
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix, String startAfter, int limit) {
        List<ObjectInfo> out = new ArrayList<>();
        try {
            var pages = s3.listObjectsV2Paginator(b -> {
                b.bucket(bucket).prefix(prefix + keyPrefix).maxKeys(Math.min(1000, Math.max(1, limit)));
                if (startAfter != null) {
                    b.startAfter(prefix + startAfter);
                }
            });
            for (S3Object o : pages.contents()) {
                if (out.size() >= limit) {
                    break;
                }
                out.add(new ObjectInfo(
                        o.key().substring(prefix.length()),
                        o.size(),
                        o.eTag(),
                        o.lastModified() == null ? 0 : o.lastModified().toEpochMilli()));
            }
        } catch (S3Exception e) {
            throw failure("list", keyPrefix, e);
        }
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(full(key)));
        } catch (S3Exception e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    private String full(String key) {
        return prefix + ObjectKeys.requireValid(key);
    }

    private ObjectStoreException failure(String what, String key, S3Exception e) {
        return new ObjectStoreException(
                "S3 could not " + what + " " + describe() + key + " (HTTP " + e.statusCode() + ")", e);
    }
}
