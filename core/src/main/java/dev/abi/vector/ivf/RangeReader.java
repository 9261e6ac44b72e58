package dev.abi.vector.ivf;

/** Reads a byte range of an immutable object (an {@code ObjectStore.getRange}, possibly through a cache). */
@FunctionalInterface
public interface RangeReader {

    /** {@code length} bytes of object {@code key} from {@code offset} (fewer at the end of the object). */
    byte[] read(String key, long offset, int length);

    /** Forgets any cached copy of this range (it failed its checksum); a plain store has none. */
    default void evict(String key, long offset, int length) {}
}
