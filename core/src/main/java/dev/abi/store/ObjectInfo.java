package dev.abi.store;

/**
 * A listed object: key, size in bytes, etag, and the time the store recorded for its last write (epoch millis).
 * The etag may be null where a store cannot list it cheaply (large files on local disk); {@link ObjectStore#get}
 * always has it. Garbage collection ages objects by that recorded time, never by a local clock.
 */
public record ObjectInfo(String key, long size, String etag, long lastModified) {}
