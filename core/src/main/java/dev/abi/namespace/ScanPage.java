package dev.abi.namespace;

import dev.abi.vector.StoredVector;
import java.util.List;

/**
 * One page of a scan of a namespace's vectors in ascending id order.
 *
 * @param vectors the page, ids ascending
 * @param more whether vectors with larger ids follow
 * @param version the state the page was read from
 */
public record ScanPage(List<StoredVector> vectors, boolean more, long version) {}
