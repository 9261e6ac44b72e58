package dev.abi.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlatVectorIndexTest {

    /** Exact distances in double precision, as the API defines them. */
    static double reference(Metric metric, float[] q, float[] v) {
        double dot = 0, qq = 0, vv = 0, l2 = 0;
        for (int i = 0; i < q.length; i++) {
            dot += (double) q[i] * v[i];
            qq += (double) q[i] * q[i];
            vv += (double) v[i] * v[i];
            double d = (double) q[i] - v[i];
            l2 += d * d;
        }
        return switch (metric) {
            case COSINE -> 1 - dot / (Math.sqrt(qq) * Math.sqrt(vv));
            case DOT -> -dot;
            case L2 -> Math.sqrt(l2);
        };
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void searchMatchesBruteForceInDoublePrecision(Metric metric) {
        Random random = new Random(42);
        int dim = 67; // not a multiple of any SIMD width: exercises the tails
        FlatVectorIndex index = new FlatVectorIndex(dim, metric);
        Map<String, float[]> all = new HashMap<>();
        for (int i = 0; i < 1500; i++) {
            float[] v = randomVector(random, dim);
            index.upsert("v" + i, v, Map.of());
            all.put("v" + i, v);
        }
        for (int q = 0; q < 20; q++) {
            float[] query = randomVector(random, dim);
            List<SearchHit> hits = index.search(query, 10, Filter.ALL);
            List<Map.Entry<String, float[]>> expected = new ArrayList<>(all.entrySet());
            expected.sort(
                    Comparator.comparingDouble((Map.Entry<String, float[]> e) -> reference(metric, query, e.getValue()))
                            .thenComparing(Map.Entry::getKey));
            assertEquals(10, hits.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(expected.get(i).getKey(), hits.get(i).id(), "rank " + i);
                assertEquals(
                        reference(metric, query, expected.get(i).getValue()),
                        hits.get(i).distance(),
                        1e-5);
            }
        }
    }

    @Test
    void upsertReplacesAndDeleteKeepsOthersFindable() {
        FlatVectorIndex index = new FlatVectorIndex(2, Metric.L2);
        index.upsert("a", new float[] {0, 0}, Map.of("k", "old"));
        index.upsert("b", new float[] {5, 5}, Map.of());
        index.upsert("c", new float[] {9, 9}, Map.of());
        index.upsert("a", new float[] {9, 8}, Map.of("k", "new"));
        assertEquals(3, index.size());
        assertEquals("new", index.get("a").orElseThrow().attributes().get("k"));
        assertTrue(index.delete("a"));
        assertFalse(index.delete("a"));
        assertEquals(
                List.of("c", "b"),
                index.search(new float[] {9, 9}, 5, Filter.ALL).stream()
                        .map(SearchHit::id)
                        .toList());
        assertEquals(0f, index.get("c").orElseThrow().values()[0] - 9f);
    }

    @Test
    void tiesAreOrderedById() {
        FlatVectorIndex index = new FlatVectorIndex(2, Metric.DOT);
        for (String id : new String[] {"d", "b", "a", "c"}) {
            index.upsert(id, new float[] {1, 1}, Map.of());
        }
        assertEquals(
                List.of("a", "b", "c"),
                index.search(new float[] {1, 0}, 3, Filter.ALL).stream()
                        .map(SearchHit::id)
                        .toList());
    }

    @Test
    void filterIsAppliedBeforeTopK() {
        FlatVectorIndex index = new FlatVectorIndex(1, Metric.L2);
        for (int i = 0; i < 100; i++) {
            index.upsert("v" + i, new float[] {i}, Map.of("even", i % 2 == 0));
        }
        List<SearchHit> hits = index.search(new float[] {0}, 3, FilterParser.parse(Map.of("even", false)));
        assertEquals(List.of("v1", "v3", "v5"), hits.stream().map(SearchHit::id).toList());
    }

    @Test
    void panamaAndScalarKernelsAgree() {
        VectorOps panama = VectorOpsProvider.panamaOrNull();
        org.junit.jupiter.api.Assumptions.assumeTrue(panama != null, "jdk.incubator.vector not in the test JVM");
        VectorOps scalar = VectorOpsProvider.scalar();
        Random random = new Random(7);
        for (int dim : new int[] {1, 3, 8, 16, 17, 63, 64, 65, 384, 1000}) {
            float[] a = randomVector(random, dim);
            float[] data = randomVector(random, dim + 5);
            assertEquals(scalar.dot(a, data, 5, dim), panama.dot(a, data, 5, dim), 1e-3);
            assertEquals(scalar.squaredDistance(a, data, 5, dim), panama.squaredDistance(a, data, 5, dim), 1e-3);
        }
    }

    @Test
    void providerUsesTheVectorApiWhenTheModuleIsPresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertTrue(present, "surefire must run with --add-modules jdk.incubator.vector");
        assertTrue(VectorOpsProvider.get().name().startsWith("panama"), VectorOpsProvider.reason());
    }

    static float[] randomVector(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }
}
