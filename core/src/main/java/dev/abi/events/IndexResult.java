package dev.abi.events;

/** What indexing one object did: the namespace it went to, how many vectors, and the last committed version. */
public record IndexResult(String bucket, String key, String namespace, int vectors, long version) {
}
