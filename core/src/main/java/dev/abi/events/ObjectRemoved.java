package dev.abi.events;

import java.time.Instant;

/**
 * An object was deleted from a bucket (S3 ObjectRemoved, GCS deleted, Blob deleted).
 *
 * @param version the deleted write's version or sequencer when the notification carries one, else null
 */
public record ObjectRemoved(String bucket, String key, String version, Instant time) implements CanonicalEvent {

    public ObjectRemoved {
        ObjectCreated.requireText(bucket, "bucket");
        ObjectCreated.requireText(key, "key");
    }

    public ObjectRemoved(String bucket, String key, Instant time) {
        this(bucket, key, null, time);
    }
}
