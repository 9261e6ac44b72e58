package dev.abi.namespace;

import dev.abi.vector.Metric;

/**
 * The committed state of a namespace as its pointer object names it: shape, version, commit time, vector count, the
 * snapshot that holds its vectors, and the pointer's etag (the compare-and-swap token for the next commit).
 */
public record NamespaceHead(String name, int dimension, Metric metric, long version, long commitTs, int count,
                            String snapshotKey, String etag) {

    public NamespaceInfo info() {
        return new NamespaceInfo(name, dimension, metric, count, version);
    }
}
