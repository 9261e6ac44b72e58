package dev.abi.namespace;

import dev.abi.vector.Metric;

/**
 * What the API reports about a namespace. {@code version} is the commit sequence number of this state;
 * {@code embeddingModel} the model of its documents, or null while none has been recorded.
 */
public record NamespaceInfo(String name, int dimension, Metric metric, int count, long version, String embeddingModel) {

    /** A namespace without a recorded embedding model. */
    public NamespaceInfo(String name, int dimension, Metric metric, int count, long version) {
        this(name, dimension, metric, count, version, null);
    }
}
