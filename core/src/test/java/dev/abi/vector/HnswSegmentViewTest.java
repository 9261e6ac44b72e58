package dev.abi.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HnswSegmentViewTest {

    private static final int DIM = 16;
    private static final int N = 4_000;

    private static HnswIndex built(VectorEncoding encoding, Metric metric) {
        float[][] data = HnswIndexTest.clustered(N, DIM, 41, false);
        HnswIndex index =
                new HnswIndex(DIM, metric, HnswParams.DEFAULTS.withEncoding(encoding), VectorOpsProvider.get(), 64);
        List<StoredVector> batch = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            batch.add(new StoredVector("v" + i, data[i], Map.of("i", i, "tag", i % 10 == 0 ? "rare" : "common")));
        }
        index.upsertAll(batch);
        for (int i = 0; i < 200; i++) {
            index.delete("v" + (i * 7));
        }
        return index;
    }

    private static Set<String> ids(List<SearchHit> hits) {
        Set<String> out = new HashSet<>();
        hits.forEach(h -> out.add(h.id()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(VectorEncoding.class)
    void searchesInPlaceAsTheHeapIndexDoes(VectorEncoding encoding) {
        for (Metric metric : Metric.values()) {
            HnswIndex heap = built(encoding, metric);
            FlatVectorIndex exact = new FlatVectorIndex(DIM, metric);
            heap.forEach(v -> exact.upsert(v.id(), v.values(), v.attributes()));
            HnswSegmentView view = HnswSegmentView.open("seg/" + metric, HnswSegments.write(heap), true);
            assertEquals(heap.size(), view.size());
            int same = 0;
            int found = 0;
            float[][] queries = HnswIndexTest.clustered(40, DIM, 42, false);
            for (float[] q : queries) {
                List<SearchHit> inPlace = view.search(q, 10, Filter.ALL, n -> false, 0, 100);
                List<SearchHit> onHeap = heap.search(q, 10, Filter.ALL, 100);
                Set<String> truth = ids(exact.search(q, 10, Filter.ALL));
                Map<String, Float> distances = new HashMap<>();
                exact.search(q, N, Filter.ALL).forEach(e -> distances.put(e.id(), e.distance()));
                same += ids(inPlace).stream().filter(ids(onHeap)::contains).count();
                found += ids(inPlace).stream().filter(truth::contains).count();
                for (SearchHit h : inPlace) {
                    assertFalse(
                            Integer.parseInt(h.id().substring(1)) % 7 == 0
                                    && Integer.parseInt(h.id().substring(1)) < 1400,
                            "deleted " + h.id() + " returned");
                    float expected = distances.get(h.id());
                    assertEquals(
                            expected,
                            h.distance(),
                            1e-3f * Math.max(1f, Math.abs(expected)),
                            "distances are exact (" + metric + ", " + encoding + ")");
                }
            }
            assertTrue(
                    same >= queries.length * 10 * 0.95,
                    metric + " " + encoding + ": in place and on heap agree on " + same + " of " + queries.length * 10);
            assertTrue(found >= queries.length * 10 * 0.95, metric + " " + encoding + ": recall " + found);
        }
    }

    @Test
    void filtersHoldAndHiddenNodesAreNeverReturned() {
        HnswIndex heap = built(VectorEncoding.FLOAT32, Metric.COSINE);
        HnswSegmentView view = HnswSegmentView.open("seg/f", HnswSegments.write(heap), true);
        Filter rare = FilterParser.parse(Map.of("tag", Map.of("$eq", "rare")));
        float[][] queries = HnswIndexTest.clustered(20, DIM, 43, false);
        for (float[] q : queries) {
            // the same hits; distances to rounding (lane sums may be ordered differently before and after the JIT)
            Map<String, Float> onHeap = new HashMap<>();
            heap.search(q, 10, rare).forEach(h -> onHeap.put(h.id(), h.distance()));
            List<SearchHit> inPlace = view.search(q, 10, rare, n -> false, 0, 64);
            assertEquals(onHeap.keySet(), ids(inPlace), "a narrow filter is answered exactly, as on the heap");
            for (SearchHit h : inPlace) {
                assertEquals(onHeap.get(h.id()), h.distance(), 1e-5f);
            }
            for (SearchHit h : view.search(q, 10, rare, n -> false, 0, 64)) {
                assertEquals(0, Integer.parseInt(h.id().substring(1)) % 10);
            }
            List<SearchHit> all = view.search(q, 5, Filter.ALL, n -> false, 0, 64);
            Set<Integer> hide = new HashSet<>();
            all.forEach(h -> hide.add(view.node(h.id()).orElseThrow()));
            List<SearchHit> without = view.search(q, 5, Filter.ALL, hide::contains, hide.size(), 64);
            assertEquals(5, without.size());
            assertTrue(ids(without).stream().noneMatch(ids(all)::contains), "hidden nodes are never returned");
        }
    }

    @Test
    void layeredWritesShadowTheSegmentAndSearchesMerge() {
        HnswIndex heap = built(VectorEncoding.INT8, Metric.L2);
        LayeredVectorIndex layered = new LayeredVectorIndex(
                HnswSegmentView.open("seg/l", HnswSegments.write(heap), true), new FlatVectorIndex(DIM, Metric.L2));
        FlatVectorIndex model = new FlatVectorIndex(DIM, Metric.L2);
        heap.forEach(v -> model.upsert(v.id(), v.values(), v.attributes()));
        float[][] fresh = HnswIndexTest.clustered(300, DIM, 44, false);
        for (int i = 0; i < 300; i++) {
            String id = i % 3 == 0 ? "v" + (i + 1) : "new" + i; // a third replace stored ids
            layered.upsert(id, fresh[i], Map.of("i", i));
            model.upsert(id, fresh[i], Map.of("i", i));
        }
        for (int i = 2; i < 600; i += 5) {
            assertEquals(model.delete("v" + i), layered.delete("v" + i), "delete of v" + i + " reports the same");
        }
        assertFalse(layered.delete("v2"), "a second delete finds nothing");
        assertEquals(model.size(), layered.size());
        int[] visited = {0};
        layered.forEach(v -> visited[0]++);
        assertEquals(model.size(), visited[0]);
        assertEquals(
                model.get("v4").map(StoredVector::attributes), layered.get("v4").map(StoredVector::attributes));
        assertTrue(layered.get("v7").isEmpty());
        int found = 0;
        float[][] queries = HnswIndexTest.clustered(40, DIM, 45, false);
        for (int k = 0; k < queries.length; k++) {
            float[] q = k % 2 == 0 ? queries[k] : fresh[k];
            Set<String> truth = ids(model.search(q, 10, Filter.ALL));
            List<SearchHit> got = layered.search(q, 10, Filter.ALL, 100);
            assertEquals(10, got.size());
            for (SearchHit h : got) {
                assertTrue(model.get(h.id()).isPresent(), h.id() + " is not in the logical state");
            }
            found += ids(got).stream().filter(truth::contains).count();
        }
        assertTrue(found >= queries.length * 10 * 0.95, "recall of the merged layers: " + found);
    }

    @Test
    void aDamagedLinkFoundDuringASearchIsATypedError() {
        byte[] segment = HnswSegments.write(built(VectorEncoding.FLOAT32, Metric.L2));
        HnswSegmentView clean = HnswSegmentView.open("seg/x", segment, true);
        ByteBuffer le = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
        int count = clean.nodes();
        // every link past the end: a search meets one at its first step
        int lists = le.getInt(HnswSegments.HEADER - 16);
        int links = le.getInt(HnswSegments.HEADER - 12);
        int linkColumn = HnswSegments.HEADER + count + 4 * (count + 1) + 4 * lists;
        for (int i = 0; i < links; i++) {
            le.putInt(linkColumn + 4 * i, count + 5);
        }
        assertThrows(
                CorruptSegmentException.class,
                () -> HnswSegmentView.open("seg/x", segment, true),
                "the checksum catches it when verified");
        HnswSegmentView unverified = HnswSegmentView.open("seg/x", segment, false);
        CorruptSegmentException e = assertThrows(
                CorruptSegmentException.class,
                () -> unverified.search(new float[DIM], 5, Filter.ALL, n -> false, 0, 32));
        assertEquals("seg/x", e.segment());
    }
}
