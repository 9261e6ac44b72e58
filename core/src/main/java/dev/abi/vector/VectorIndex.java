package dev.abi.vector;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An index of vectors with attributes, searched by distance. {@link FlatVectorIndex} is the exact implementation;
 * graph indexes implement the same interface. Implementations are safe for concurrent searches and writes.
 */
public interface VectorIndex {

    /** Dimension of every vector in the index. */
    int dimension();

    /** Distance metric used by {@link #search}. */
    Metric metric();

    /** Number of live vectors. */
    int size();

    /** Inserts or replaces (values and attributes) the vector with this id. */
    void upsert(String id, float[] values, Map<String, Object> attributes);

    /** Removes a vector; returns whether it existed. */
    boolean delete(String id);

    /** The stored vector with this id, if any. */
    Optional<StoredVector> get(String id);

    /**
     * The {@code topK} closest vectors that match {@code filter}, ordered by distance ascending, then id ascending.
     *
     * @param filter {@link Filter#ALL} to match everything
     */
    List<SearchHit> search(float[] query, int topK, Filter filter);

    /** Visits every live vector, in no particular order (used for snapshots). */
    void forEach(Consumer<StoredVector> visitor);
}
