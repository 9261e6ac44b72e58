package dev.abi.namespace;

import dev.abi.vector.StoredVector;
import java.util.List;

/** Matches of a query, best first, with the version of the state that answered. */
public record QueryResult(List<Match> matches, long version) {

    /** One match; {@code vector} carries values and attributes for the include options. */
    public record Match(StoredVector vector, float distance) {}
}
