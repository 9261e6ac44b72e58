package dev.abi.namespace;

import dev.abi.vector.Filter;

/**
 * One query of a batch: by {@code vector}, or by {@code id}, the values of a vector stored in the state that answers.
 * Exactly one of the two is set.
 */
public record Probe(float[] vector, String id, int topK, Filter filter) {
    public Probe {
        if ((vector == null) == (id == null)) {
            throw new IllegalArgumentException("a probe needs exactly one of vector and id");
        }
        filter = filter == null ? Filter.ALL : filter;
    }
}
