package dev.abi.store;

/**
 * An immutable segment a manifest lists: key, size, CRC32C of its bytes, and its kind ({@code base}: a whole state;
 * {@code delta}: operations applied over the segments before it).
 */
public record SegmentRef(String key, long size, long crc, String kind) {}
