package dev.abi.events;

import java.time.Instant;

/**
 * An object landed in a bucket (S3 ObjectCreated, GCS finalized, Blob created).
 *
 * @param key     the object key, URL-decoded
 * @param etag    the object's etag without quotes, or null when the notification carried none
 * @param version what tells this write of the key from another one: the S3 version id (or the notification's
 *     sequencer without versioning), the GCS generation, the blob's sequencer; null when unknown, and then the
 *     etag stands in
 * @param size    the object size in bytes, or -1 when unknown
 */
public record ObjectCreated(String bucket, String key, String etag, String version, long size, Instant time)
        implements CanonicalEvent {

    public ObjectCreated {
        requireText(bucket, "bucket");
        requireText(key, "key");
    }

    /** The event without a version: the etag alone tells writes apart. */
    public ObjectCreated(String bucket, String key, String etag, long size, Instant time) {
        this(bucket, key, etag, null, size, time);
    }

    /** The version if known, else the etag, else null: what makes a redelivery of this write recognisable. */
    public String writeId() {
        if (version != null && !version.isBlank()) {
            return version;
        }
        return etag == null || etag.isBlank() ? null : etag;
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an object event needs a non-empty " + field);
        }
    }
}
