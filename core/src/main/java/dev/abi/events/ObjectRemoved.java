package dev.abi.events;

import java.time.Instant;

/** An object was deleted from a bucket (S3 ObjectRemoved, GCS deleted, Blob deleted). */
public record ObjectRemoved(String bucket, String key, Instant time) implements CanonicalEvent {
}
