package dev.abi.benchmarks.ann;

/** One index under test. {@link #search} must be safe to call from several threads once built. */
public interface Contender extends AutoCloseable {

    String name();

    /** Builds the index over {@code data.base()} using {@code threads} threads. */
    void build(Dataset data, int threads) throws Exception;

    /** Ordinals (into the base) of about {@code k} nearest vectors, searching with effort {@code effort}. */
    int[] search(float[] query, int k, int effort) throws Exception;

    /** Bytes of index the searches read: codes, graph, and the vectors when searches read them. */
    long indexBytes();

    /** Whether the effort parameter changes anything (false for exact search). */
    default boolean tunable() {
        return true;
    }

    @Override
    default void close() throws Exception {}
}
