package dev.abi.namespace;

import dev.abi.vector.StoredVector;
import java.util.List;

/**
 * The answer to a batch get: the vectors found (in the order asked, each once), the ids not found, and the version
 * of the one state both were read from.
 */
public record Fetched(List<StoredVector> found, List<String> missing, long version) {}
