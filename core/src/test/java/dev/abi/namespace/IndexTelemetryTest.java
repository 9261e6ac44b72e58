package dev.abi.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.InMemoryObjectStore;
import dev.abi.telemetry.InMemoryMetrics;
import dev.abi.telemetry.QueryPath;
import dev.abi.telemetry.RequestContext;
import dev.abi.telemetry.Telemetry;
import dev.abi.vector.AdaptiveVectorIndex;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.HnswIndex;
import dev.abi.vector.HnswParams;
import dev.abi.vector.HnswSegmentView;
import dev.abi.vector.HnswSegments;
import dev.abi.vector.LayeredVectorIndex;
import dev.abi.vector.Metric;
import dev.abi.vector.VectorOpsProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Folds and compactions timed in the process's metrics, and the query path told from the index kind. */
class IndexTelemetryTest {

    @Test
    void aCompactionIsTimedAsAFoldAndACompaction() {
        InMemoryMetrics metrics = new InMemoryMetrics();
        try (RequestContext.Scope ignored = Telemetry.install(metrics, null)) {
            NamespaceService namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
            namespaces.upsert("docs", List.of(new VectorRecord("a", new float[] {1, 0}, Map.of())));
            namespaces.upsert("docs", List.of(new VectorRecord("b", new float[] {0, 1}, Map.of())));
            namespaces.compact("docs");
        }
        String d = metrics.describe();
        assertEquals(1, metrics.timerCount("abi.index.compactions"), d);
        assertTrue(metrics.timerCount("abi.index.folds", "outcome", "committed") >= 1, d);
    }

    @Test
    void theQueryPathFollowsTheIndexKind() {
        FlatVectorIndex flat = new FlatVectorIndex(2, Metric.COSINE, VectorOpsProvider.get(), 16);
        assertEquals(QueryPath.EXACT, QueryPaths.of(flat));
        assertEquals(QueryPath.EXACT, QueryPaths.of(AdaptiveVectorIndex.of(flat, 1000)));
        HnswIndex graph = new HnswIndex(2, Metric.COSINE, HnswParams.DEFAULTS, VectorOpsProvider.get(), 16);
        graph.upsert("a", new float[] {1, 0}, Map.of());
        assertEquals(QueryPath.GRAPH, QueryPaths.of(graph));
        assertEquals(QueryPath.GRAPH, QueryPaths.of(AdaptiveVectorIndex.ofGraph(graph)));
        LayeredVectorIndex inPlace = new LayeredVectorIndex(
                HnswSegmentView.open("seg", HnswSegments.write(graph), false),
                new FlatVectorIndex(2, Metric.COSINE, VectorOpsProvider.get(), 16));
        assertEquals(QueryPath.SEGMENT, QueryPaths.of(inPlace));
    }
}
