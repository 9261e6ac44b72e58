package dev.abi.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

class HnswIndexTest {

    private static final int DIM = 32;

    /** Clustered data: a few hundred Gaussian clusters, unit-normalised for dot (inner product on unit vectors). */
    static float[][] clustered(int n, int dim, long seed, boolean unit) {
        Random random = new Random(seed);
        float[][] centres = new float[200][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) random.nextGaussian();
            }
        }
        float[][] out = new float[n][dim];
        for (float[] v : out) {
            float[] c = centres[random.nextInt(centres.length)];
            double sq = 0;
            for (int d = 0; d < dim; d++) {
                v[d] = c[d] + 0.35f * (float) random.nextGaussian();
                sq += v[d] * v[d];
            }
            if (unit) {
                float inv = (float) (1 / Math.sqrt(sq));
                for (int d = 0; d < dim; d++) {
                    v[d] *= inv;
                }
            }
        }
        return out;
    }

    private static List<StoredVector> stored(float[][] vectors) {
        List<StoredVector> out = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            out.add(new StoredVector("v" + i, vectors[i], Map.of("bucket", i % 10, "tag", i % 3 == 0 ? "a" : "b")));
        }
        return out;
    }

    static List<org.junit.jupiter.params.provider.Arguments> encodingsAndMetrics() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        for (VectorEncoding encoding : VectorEncoding.values()) {
            for (Metric metric : Metric.values()) {
                out.add(org.junit.jupiter.params.provider.Arguments.of(encoding, metric));
            }
        }
        return out;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("encodingsAndMetrics")
    void recallAtTenIsAtLeast95PercentOn20kForEachEncodingAndMetric(VectorEncoding encoding, Metric metric) {
        float[][] base = clustered(20_000, DIM, 17, metric == Metric.DOT);
        float[][] queries = clustered(100, DIM, 18, metric == Metric.DOT);
        HnswIndex index =
                new HnswIndex(DIM, metric, HnswParams.DEFAULTS.withEncoding(encoding), VectorOpsProvider.get(), 1024);
        index.upsertAll(stored(base));
        assertEquals(encoding, index.encoding());
        boolean trained = switch (encoding) {
            case FLOAT32 ->
                index.quantizer().isEmpty() && index.productQuantizer().isEmpty();
            case INT8 -> index.quantizer().isPresent();
            case PQ -> index.productQuantizer().isPresent();
        };
        assertTrue(trained, "codes are trained once the index holds enough vectors, and only for their encoding");
        FlatVectorIndex exact = new FlatVectorIndex(DIM, metric);
        stored(base).forEach(v -> exact.upsert(v.id(), v.values(), v.attributes()));
        int hits = 0;
        for (float[] q : queries) {
            Set<String> truth = new HashSet<>();
            exact.search(q, 10, Filter.ALL).forEach(h -> truth.add(h.id()));
            // PQ codes are coarser than int8 ones: the walk needs a wider candidate list for the same recall.
            List<SearchHit> got = index.search(q, 10, Filter.ALL, encoding == VectorEncoding.PQ ? 400 : 200);
            List<SearchHit> want = exact.search(q, 10, Filter.ALL);
            for (SearchHit h : got) {
                if (truth.contains(h.id())) {
                    hits++;
                }
            }
            // Distances are exact: floats are walked, or the coded walk's candidates are re-ranked on them.
            if (got.get(0).id().equals(want.get(0).id())) {
                assertEquals(want.get(0).distance(), got.get(0).distance(), 1e-5);
            }
        }
        double recall = hits / (10.0 * queries.length);
        assertTrue(recall >= 0.95, encoding + " " + metric + " recall@10 = " + recall);
    }

    @Test
    void productQuantizerTablesSumToTheDistanceOfTheDecodedVector() {
        Random random = new Random(5);
        int n = 2_000;
        int dim = 16;
        float[] data = new float[n * dim];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        ProductQuantizer pq = ProductQuantizer.train(data, n, dim, 4, 7);
        assertEquals(4, pq.subspaces());
        float[] query = new float[dim];
        for (int d = 0; d < dim; d++) {
            query[d] = (float) random.nextGaussian();
        }
        float[] l2 = pq.table(query, false);
        float[] dot = pq.table(query, true);
        byte[] code = new byte[4];
        double quantizationError = 0;
        double spread = 0;
        for (int v = 0; v < 50; v++) {
            pq.encode(data, v * dim, code, 0);
            float viaTableL2 = 0;
            float viaTableDot = 0;
            for (int s = 0; s < 4; s++) {
                viaTableL2 += l2[s * 256 + (code[s] & 0xff)];
                viaTableDot += dot[s * 256 + (code[s] & 0xff)];
            }
            float exactL2 = 0;
            for (int d = 0; d < dim; d++) {
                float diff = query[d] - data[v * dim + d];
                exactL2 += diff * diff;
                spread += data[v * dim + d] * data[v * dim + d];
            }
            quantizationError += Math.abs(viaTableL2 - exactL2);
            assertTrue(Float.isFinite(viaTableDot));
        }
        // Codes approximate the vectors: the table distance stays close to the true one on average.
        assertTrue(quantizationError / 50 < 0.35 * (spread / 50), "mean |error| " + quantizationError / 50);
        assertEquals(
                "product quantization needs at least 256 training vectors, got 100",
                assertThrows(IllegalArgumentException.class, () -> ProductQuantizer.train(data, 100, dim, 4, 1))
                        .getMessage());
    }

    @Test
    void scalarQuantizerRoundTripsWithinHalfAStep() {
        Random random = new Random(3);
        float[] data = new float[100 * 8];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian() * (1 + i % 8);
        }
        ScalarQuantizer sq = ScalarQuantizer.train(data, 100, 8);
        byte[] codes = new byte[8];
        float[] offset = sq.offsets();
        float[] step = sq.steps();
        for (int v = 0; v < 100; v++) {
            sq.encode(data, v * 8, codes, 0);
            for (int d = 0; d < 8; d++) {
                float back = offset[d] + step[d] * codes[d];
                assertEquals(data[v * 8 + d], back, step[d] / 2 + 1e-6, "vector " + v + " dim " + d);
            }
        }
    }

    @Test
    void distancesMatchTheExactIndex() {
        float[][] base = clustered(500, DIM, 3, false);
        for (Metric metric : Metric.values()) {
            HnswIndex index = new HnswIndex(DIM, metric);
            FlatVectorIndex exact = new FlatVectorIndex(DIM, metric);
            for (StoredVector v : stored(base)) {
                index.upsert(v.id(), v.values(), v.attributes());
                exact.upsert(v.id(), v.values(), v.attributes());
            }
            List<SearchHit> a = index.search(base[0], 5, Filter.ALL, 200);
            List<SearchHit> b = exact.search(base[0], 5, Filter.ALL);
            assertEquals(b.size(), a.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(b.get(i).id(), a.get(i).id(), metric + " rank " + i);
                assertEquals(b.get(i).distance(), a.get(i).distance(), 1e-5, metric + " rank " + i);
            }
        }
    }

    @Test
    void filteredResultsEqualExactFilteredResults() {
        Random random = new Random(11);
        float[][] base = clustered(5_000, DIM, 5, false);
        HnswIndex index = new HnswIndex(DIM, Metric.L2);
        FlatVectorIndex exact = new FlatVectorIndex(DIM, Metric.L2);
        for (int i = 0; i < base.length; i++) {
            Map<String, Object> attrs = Map.of(
                    "color",
                    List.of("red", "green", "blue").get(random.nextInt(3)),
                    "size",
                    random.nextInt(100),
                    "rare",
                    random.nextInt(200) == 0);
            index.upsert("v" + i, base[i], attrs);
            exact.upsert("v" + i, base[i], attrs);
        }
        for (int trial = 0; trial < 60; trial++) {
            Object json = switch (trial % 4) {
                case 0 ->
                    Map.of(
                            "color",
                            Map.of("$eq", List.of("red", "green", "blue").get(random.nextInt(3))));
                case 1 -> Map.of("size", Map.of("$lt", random.nextInt(100)));
                case 2 -> Map.of("color", Map.of("$in", List.of("red", "blue")), "size", Map.of("$gte", 50));
                default -> Map.of("rare", Map.of("$eq", true));
            };
            Filter filter = FilterParser.parse(json);
            float[] q = base[random.nextInt(base.length)];
            List<SearchHit> got = index.search(q, 10, filter, 400);
            List<SearchHit> want = exact.search(q, 10, filter);
            for (SearchHit h : got) {
                assertTrue(
                        filter.matches(index.get(h.id()).orElseThrow().attributes()),
                        "returned " + h.id() + " outside filter " + json);
            }
            assertEquals(ids(want), ids(got), "filter " + json);
        }
    }

    @Test
    void deletedIdsAreNeverReturnedEvenDuringConcurrentSearches() throws Exception {
        float[][] base = clustered(6_000, DIM, 9, false);
        HnswIndex index = new HnswIndex(DIM, Metric.L2);
        index.upsertAll(stored(base));
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> searcher = pool.submit(() -> {
                Random random = new Random(1);
                while (!stop.get()) {
                    Set<String> deletedBefore = Set.copyOf(deleted);
                    for (SearchHit h : index.search(base[random.nextInt(base.length)], 10, Filter.ALL)) {
                        assertFalse(deletedBefore.contains(h.id()), "deleted " + h.id() + " was returned");
                    }
                }
                return null;
            });
            for (int i = 0; i < base.length; i += 2) {
                assertTrue(index.delete("v" + i));
                deleted.add("v" + i);
            }
            stop.set(true);
            searcher.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3_000, index.size());
        index.awaitRebuild();
        assertTrue(index.graphSize() < 6_000, "tombstones past the ratio must trigger a rebuild");
        for (int q = 0; q < 50; q++) {
            for (SearchHit h : index.search(base[q], 10, Filter.ALL)) {
                assertFalse(deleted.contains(h.id()));
            }
        }
        assertFalse(index.delete("v0"));
    }

    @Test
    void upsertOfAnExistingIdReplacesIt() {
        HnswIndex index = new HnswIndex(3, Metric.L2);
        index.upsert("a", new float[] {1, 0, 0}, Map.of("v", 1));
        index.upsert("b", new float[] {0, 1, 0}, Map.of());
        index.upsert("a", new float[] {0, 0, 1}, Map.of("v", 2));
        assertEquals(2, index.size());
        List<SearchHit> hits = index.search(new float[] {0, 0, 1}, 5, Filter.ALL);
        assertEquals(List.of("a", "b"), ids(hits));
        assertEquals(0f, hits.get(0).distance(), 1e-6);
        assertEquals(2, index.get("a").orElseThrow().attributes().get("v"));
    }

    @Test
    void concurrentInsertsAndSearchesLoseNoId() throws Exception {
        float[][] base = clustered(8_000, DIM, 13, false);
        HnswIndex index = new HnswIndex(DIM, Metric.COSINE, HnswParams.DEFAULTS, VectorOpsProvider.get(), 16);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int first = t;
                work.add(pool.submit(() -> {
                    go.await();
                    for (int i = first; i < base.length; i += 2) {
                        index.upsert("v" + i, base[i], Map.of());
                        if (i % 7 == 0) {
                            assertFalse(index.search(base[i], 5, Filter.ALL).isEmpty());
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(base.length, index.size());
        Set<String> seen = new HashSet<>();
        index.forEach(v -> seen.add(v.id()));
        assertEquals(base.length, seen.size());
        int found = 0;
        for (int i = 0; i < base.length; i += 40) {
            if (index.search(base[i], 1, Filter.ALL, 100).get(0).id().equals("v" + i)) {
                found++;
            }
        }
        assertTrue(found >= 190, "each vector should find itself; found " + found + " of 200");
    }

    @Test
    void aParallelBuildLeavesNoNodeUnreachable() {
        Random rnd = new Random(11);
        HnswIndex index = new HnswIndex(8, Metric.L2);
        List<StoredVector> batch = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            float[] v = new float[8];
            for (int d = 0; d < 8; d++) {
                // tight clusters: many near-duplicates, where diversity pruning orphans nodes most easily
                v[d] = (i % 50) + (float) rnd.nextGaussian() * 0.01f;
            }
            batch.add(new StoredVector("v" + i, v, Map.of()));
        }
        index.upsertAll(batch);
        assertEquals(0, index.unreachable(), "a walk from the entry point reaches every node");
    }

    /**
     * A node cut off from the graph (every link into it removed, on every layer it lives on) is unreachable and
     * unfound; the repair links it back and it finds itself. Once for a node of the bottom layer only and once for a
     * node that also lives on an upper layer (levels are drawn at random, so the test picks one of each).
     */
    @Test
    void aNodeCutOffFromTheGraphIsLinkedBackAndFound() {
        Random rnd = new Random(12);
        HnswIndex index = new HnswIndex(8, Metric.L2);
        float[][] base = new float[2000][8];
        List<StoredVector> batch = new ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            for (int d = 0; d < 8; d++) {
                base[i][d] = (float) rnd.nextGaussian();
            }
            batch.add(new StoredVector("v" + i, base[i], Map.of()));
        }
        index.upsertAll(batch);
        for (boolean upper : new boolean[] {false, true}) {
            int cut = -1;
            for (int i = 0; i < base.length && cut < 0; i++) {
                if ((index.layersOf("v" + i) > 1) == upper && index.cutOff("v" + i)) {
                    cut = i; // cutOff refuses the entry point, which no cut isolates
                }
            }
            String id = "v" + cut;
            assertTrue(cut >= 0, "a node " + (upper ? "on an upper layer" : "of the bottom layer only") + " exists");
            assertEquals(1, index.unreachable(), id + ": the planted cut leaves one node no search reaches");
            assertFalse(index.search(base[cut], 5, Filter.ALL).stream().anyMatch(h -> h.id().equals(id)), id);
            index.connectUnreachable();
            assertEquals(0, index.unreachable());
            assertTrue(
                    index.search(base[cut], 5, Filter.ALL).stream().anyMatch(h -> h.id().equals(id)),
                    id + ": linked back, it finds itself");
        }
    }

    @Test
    void badParametersGetClearErrors() {
        assertEquals(
                "m must be between 2 and 512, got 1",
                assertThrows(IllegalArgumentException.class, () -> new HnswParams(1, 100, 10, 0.25))
                        .getMessage());
        assertEquals(
                "ef must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new HnswParams(16, 100, 0, 0.25))
                        .getMessage());
        HnswIndex index = new HnswIndex(3, Metric.L2);
        index.upsert("a", new float[] {1, 2, 3}, Map.of());
        assertEquals(
                "vector 'b' has 2 dimensions; index has 3",
                assertThrows(IllegalArgumentException.class, () -> index.upsert("b", new float[] {1, 2}, Map.of()))
                        .getMessage());
        assertEquals(
                "query has 4 dimensions; index has 3",
                assertThrows(IllegalArgumentException.class, () -> index.search(new float[4], 1, Filter.ALL))
                        .getMessage());
        assertEquals(
                "ef must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 1, Filter.ALL, 0))
                        .getMessage());
        assertEquals(
                "topK must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 0, Filter.ALL))
                        .getMessage());
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).toList();
    }

    @Test
    void writesDuringABackgroundRebuildAreReplayedOntoTheNewGraph() {
        Random rnd = new Random(9);
        HnswIndex index = new HnswIndex(16, Metric.L2);
        List<StoredVector> base = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            float[] v = new float[16];
            for (int d = 0; d < 16; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            base.add(new StoredVector("v" + i, v, Map.of()));
        }
        index.upsertAll(base);
        int i = 0;
        while (!index.rebuilding() && i < 6000) {
            index.delete("v" + i++);
        }
        assertTrue(index.rebuilding(), "deleting past the tombstone ratio starts a background rebuild");
        int deletedBefore = i;
        // while it runs: searches answer, and writes land on the old graph and in the journal
        for (SearchHit h : index.search(base.get(5999).values(), 10, Filter.ALL)) {
            assertTrue(Integer.parseInt(h.id().substring(1)) >= deletedBefore, "a deleted id was returned: " + h.id());
        }
        index.upsert("during", base.get(5999).values(), Map.of("k", 1));
        assertTrue(index.delete("v5998"));
        index.upsert("v5997", base.get(0).values(), Map.of("moved", true));
        index.awaitRebuild();
        assertTrue(index.graphSize() < 6000, "rebuilt: " + index.graphSize());
        assertEquals(6000 - deletedBefore - 1 + 1, index.size());
        assertEquals(1, index.get("during").orElseThrow().attributes().get("k"));
        assertTrue(index.get("v5998").isEmpty(), "the delete made during the rebuild holds");
        assertArrayEquals(base.get(0).values(), index.get("v5997").orElseThrow().values());
        assertTrue(
                index.search(base.get(5999).values(), 2, Filter.ALL).stream().anyMatch(h -> h.id().equals("during")),
                "the vector upserted during the rebuild is searchable in the new graph");
    }
}
