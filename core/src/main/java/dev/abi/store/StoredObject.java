package dev.abi.store;

/** An object's bytes and the etag to use with {@link ObjectStore#putIfMatch}. */
public record StoredObject(byte[] bytes, String etag) {}
