package dev.abi.vector.ivf;

/** Where a segment writer puts the parts of a segment (an {@code ObjectStore.putIfAbsent}). */
@FunctionalInterface
public interface SegmentSink {

    /** Stores a new immutable object. */
    void put(String key, byte[] bytes);
}
