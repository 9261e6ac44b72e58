package dev.abi.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The object-storage SPI that all durable state goes through. Its only coordination primitives are
 * create-if-absent and compare-and-swap on an etag, which S3, GCS, Azure Blob and a local disk all offer.
 *
 * <p>Keys are {@code /}-separated relative paths of letters, digits and {@code . _ - = #}. Every conditional failure
 * is a {@link PreconditionFailedException}; I/O failures are {@link ObjectStoreException}.
 */
public interface ObjectStore {

    /** The object and its etag, or empty when there is none. */
    Optional<StoredObject> get(String key);

    /**
     * {@code length} bytes from {@code offset} (fewer at the end of the object).
     *
     * @throws ObjectNotFoundException when there is no such object
     */
    byte[] getRange(String key, long offset, int length);

    /**
     * Creates the object only if no object has this key.
     *
     * @return the new etag
     * @throws PreconditionFailedException when the key exists
     */
    String putIfAbsent(String key, byte[] bytes);

    /**
     * Replaces the object only if its current etag is {@code expectedEtag}.
     *
     * @return the new etag
     * @throws PreconditionFailedException when the object is missing or its etag differs
     */
    String putIfMatch(String key, byte[] bytes, String expectedEtag);

    /** Objects whose key starts with {@code prefix}, in ascending key order. */
    List<ObjectInfo> list(String prefix);

    /**
     * At most {@code limit} objects whose key starts with {@code prefix} and sorts after {@code startAfter} (null for
     * no bound), in ascending key order. Stores that page natively (S3 {@code start-after}) override this.
     */
    default List<ObjectInfo> list(String prefix, String startAfter, int limit) {
        List<ObjectInfo> out = new ArrayList<>();
        for (ObjectInfo info : list(prefix)) {
            if (out.size() >= limit) {
                break;
            }
            if (startAfter == null || info.key().compareTo(startAfter) > 0) {
                out.add(info);
            }
        }
        return out;
    }

    /** Deletes the object if it exists; deleting a missing key is not an error. */
    void delete(String key);

    /** A short description for logs and health output, e.g. {@code local-disk:/var/data}. */
    String describe();
}
