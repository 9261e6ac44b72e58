package dev.abi.vector.ivf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.vector.Filter;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.Metric;
import dev.abi.vector.SearchHit;
import dev.abi.vector.VectorOpsProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Writes after a clustered segment: hidden in it by id, searched in the overlay, counted once. */
class ClusteredVectorIndexTest {

    private final float[][] data = ClusteredSegmentTest.clustered(2000, ClusteredSegmentTest.DIM, 11);
    private final ClusteredVectorIndex index = new ClusteredVectorIndex(
            ClusteredSegmentTest.write(
                    new ClusteredSegmentTest.Parts(),
                    ClusteredSegmentTest.index(data, Metric.L2),
                    ClusteredSegmentWriter.builder().build()),
            new FlatVectorIndex(ClusteredSegmentTest.DIM, Metric.L2, VectorOpsProvider.get(), 16));

    private List<String> ids(float[] q, int k) {
        return index.search(q, k, Filter.ALL).stream().map(SearchHit::id).toList();
    }

    @Test
    void deletesReplacementsAndNewIdsAreSeenAndCountedOnce() {
        assertEquals(2000, index.size());
        assertTrue(index.delete("v10"), "a stored id existed");
        assertFalse(index.delete("v10"), "a second delete finds nothing");
        assertFalse(index.delete("nope"));
        assertFalse(ids(data[10], 5).contains("v10"));
        assertTrue(index.get("v10").isEmpty());

        index.upsert("v20", data[1500], Map.of("moved", true));
        assertArrayEquals(data[1500], index.get("v20").orElseThrow().values());
        assertTrue(ids(data[1500], 2).containsAll(List.of("v20", "v1500")), "the replacement is at its new vector");
        for (SearchHit h : index.search(data[20], 10, Filter.ALL)) {
            assertFalse(h.id().equals("v20") && h.distance() == 0f, "the stored copy of v20 is hidden: " + h);
        }

        index.upsert("new", data[7], Map.of());
        assertEquals(2000 - 1 + 1, index.size(), "v10 gone, v20 replaced, one new id");
        assertTrue(index.delete("new"), "an overlay write existed");
        assertEquals(1999, index.size());
        List<String> all = new ArrayList<>();
        index.forEach(v -> all.add(v.id()));
        assertEquals(1999, all.size());
        assertEquals(1, all.stream().filter("v20"::equals).count());
    }

    @Test
    void anOverlayOfAnotherShapeIsRefused() {
        var view = index.base();
        assertThrows(
                IllegalArgumentException.class,
                () -> new ClusteredVectorIndex(view, new FlatVectorIndex(3, Metric.L2, VectorOpsProvider.get(), 16)));
    }
}
