package dev.abi.namespace;

import dev.abi.vector.Metric;

/** What the API reports about a namespace. {@code version} is the commit sequence number of this state. */
public record NamespaceInfo(String name, int dimension, Metric metric, int count, long version) {
}
