package dev.abi.namespace;

import dev.abi.telemetry.QueryPath;
import dev.abi.vector.AdaptiveVectorIndex;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.HnswIndex;
import dev.abi.vector.LayeredVectorIndex;
import dev.abi.vector.VectorIndex;

/** Which {@link QueryPath} a search of an index takes, told from the index's kind. */
final class QueryPaths {

    private QueryPaths() {}

    /** The path of a search of {@code index}; {@code other} for an index kind not listed here. */
    static String of(VectorIndex index) {
        if (index instanceof LayeredVectorIndex) {
            return QueryPath.SEGMENT;
        }
        if (index instanceof AdaptiveVectorIndex adaptive) {
            return adaptive.usesGraph() ? QueryPath.GRAPH : QueryPath.EXACT;
        }
        if (index instanceof HnswIndex) {
            return QueryPath.GRAPH;
        }
        return index instanceof FlatVectorIndex ? QueryPath.EXACT : "other";
    }
}
