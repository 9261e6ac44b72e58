package dev.abi.store;

/** A listed object: key, size in bytes and etag. */
public record ObjectInfo(String key, long size, String etag) {
}
