package dev.abi.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptiveVectorIndexTest {

    private static final int DIM = 16;

    @Test
    void staysExactBelowTheThresholdAndSwitchesToTheGraphAtIt() {
        float[][] data = HnswIndexTest.clustered(1_000, DIM, 21, false);
        AdaptiveVectorIndex index =
                new AdaptiveVectorIndex(new FlatVectorIndex(DIM, Metric.L2), 600, HnswParams.DEFAULTS, Runnable::run);
        for (int i = 0; i < 599; i++) {
            index.upsert("v" + i, data[i], Map.of("i", i));
        }
        assertFalse(index.usesGraph());
        index.upsert("v599", data[599], Map.of("i", 599));
        assertTrue(index.usesGraph(), "the 600th vector starts (here: runs) the graph build");
        for (int i = 600; i < data.length; i++) {
            index.upsert("v" + i, data[i], Map.of("i", i));
        }
        assertEquals(1_000, index.size());
        // the graph is approximate (and built in parallel, so not the same graph every run): one full build in
        // about seven missed this self-query at top-1, so ask for it among the first five
        assertTrue(
                index.search(data[123], 5, Filter.ALL).stream().anyMatch(h -> h.id().equals("v123")),
                "a stored vector finds itself through the graph");
        assertEquals(123, index.get("v123").orElseThrow().attributes().get("i"));
    }

    @Test
    void writesDuringTheBuildAreReplayedOntoTheGraph() {
        float[][] data = HnswIndexTest.clustered(800, DIM, 22, false);
        FlatVectorIndex initial = new FlatVectorIndex(DIM, Metric.COSINE);
        for (int i = 0; i < 700; i++) {
            initial.upsert("v" + i, data[i], Map.of());
        }
        List<Runnable> builds = new ArrayList<>();
        AdaptiveVectorIndex index = new AdaptiveVectorIndex(initial, 500, HnswParams.DEFAULTS, builds::add);
        assertEquals(1, builds.size(), "an index already past the threshold starts its build at once");
        assertFalse(index.usesGraph());
        // While the build has not run, the exact index answers and records every write.
        for (int i = 700; i < 800; i++) {
            index.upsert("v" + i, data[i], Map.of("late", true));
        }
        for (int i = 0; i < 100; i++) {
            assertTrue(index.delete("v" + i));
        }
        index.upsert("v5", data[5], Map.of("back", true));
        assertEquals(701, index.size());

        builds.get(0).run();
        assertTrue(index.usesGraph());
        assertEquals(701, index.size());
        assertEquals(true, index.get("v750").orElseThrow().attributes().get("late"));
        assertEquals(true, index.get("v5").orElseThrow().attributes().get("back"));
        assertTrue(index.get("v50").isEmpty(), "a delete made during the build stays deleted");
        for (SearchHit hit : index.search(data[50], 20, Filter.ALL)) {
            int i = Integer.parseInt(hit.id().substring(1));
            assertTrue(i >= 100 || i == 5, "deleted " + hit.id() + " was returned");
        }
        assertEquals("v750", index.search(data[750], 1, Filter.ALL).get(0).id());
    }
}
