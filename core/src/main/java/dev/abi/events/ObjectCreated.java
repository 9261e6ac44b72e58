package dev.abi.events;

import java.time.Instant;

/** An object landed in a bucket (S3 ObjectCreated, GCS finalized, Blob created). */
public record ObjectCreated(String bucket, String key, String etag, long size, Instant time) implements CanonicalEvent {
}
