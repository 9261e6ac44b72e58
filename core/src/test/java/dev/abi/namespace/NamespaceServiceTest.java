package dev.abi.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectStore;
import dev.abi.store.StoredObject;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class NamespaceServiceTest {

    private final ObjectStore objects = new InMemoryObjectStore();

    private NamespaceService newInstance() {
        return new NamespaceService(new SnapshotNamespaceStore(objects));
    }

    private static VectorRecord vec(String id, float... values) {
        return new VectorRecord(id, values, Map.of("n", (long) values.length));
    }

    @Test
    void firstUpsertCreatesACosineNamespaceAndVersionsCountBatches() {
        NamespaceService s = newInstance();
        assertEquals(1, s.upsert("docs", List.of(vec("a", 1, 0), vec("b", 0, 1))).version());
        assertEquals(2, s.upsert("docs", List.of(vec("a", 1, 1))).version());
        NamespaceInfo info = s.describe("docs");
        assertEquals(new NamespaceInfo("docs", 2, Metric.COSINE, 2, 2), info);
        assertEquals(3, s.deleteVectors("docs", List.of("b", "zzz")).version());
        assertEquals(0, s.deleteVectors("docs", List.of("zzz")).count());
        assertEquals(1, s.describe("docs").count());
    }

    @Test
    void anotherInstanceSeesEveryAcknowledgedWrite() {
        NamespaceService writer = newInstance();
        NamespaceService reader = newInstance();
        writer.upsert("docs", List.of(vec("a", 1, 0)));
        assertEquals("a", reader.query("docs", new NamespaceService.Query(new float[] {1, 0}, 5, Filter.ALL, null))
                .matches().get(0).vector().id());
        writer.upsert("docs", List.of(vec("b", 1, 0.1f)));
        assertEquals(2, reader.query("docs", new NamespaceService.Query(new float[] {1, 0}, 5, Filter.ALL, null))
                .matches().size());
    }

    @Test
    void concurrentWritersFromSeparateInstancesLoseNothing() throws Exception {
        newInstance().create("docs", 2, Metric.L2);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                NamespaceService instance = newInstance();
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        instance.upsert("docs", List.of(vec("w" + writer + "-" + i, writer, i)));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        NamespaceInfo info = newInstance().describe("docs");
        assertEquals(20, info.count());
        assertEquals(20, info.version());
    }

    @Test
    void createIsIdempotentAndConflictsOnAnotherShape() {
        NamespaceService s = newInstance();
        assertTrue(s.create("docs", 3, Metric.DOT).created());
        assertFalse(s.create("docs", 3, Metric.DOT).created());
        assertThrows(NamespaceConflictException.class, () -> s.create("docs", 4, Metric.DOT));
        assertThrows(NamespaceConflictException.class, () -> s.create("docs", 3, Metric.L2));
    }

    @Test
    void dimensionMismatchNamesTheVector() {
        NamespaceService s = newInstance();
        s.upsert("docs", List.of(vec("a", 1, 0, 0)));
        DimensionMismatchException e = assertThrows(DimensionMismatchException.class,
                () -> s.upsert("docs", List.of(vec("b", 1, 0, 0), vec("c", 1, 0))));
        assertEquals("vectors[1].values", e.field());
        assertEquals(1, s.describe("docs").count(), "a rejected batch writes nothing");
    }

    @Test
    void deleteRemovesEverythingAndUnknownNamespacesAreTyped() {
        NamespaceService s = newInstance();
        s.upsert("docs", List.of(vec("a", 1)));
        s.delete("docs");
        assertTrue(objects.list("ns/docs/").isEmpty());
        assertThrows(NamespaceNotFoundException.class, () -> s.describe("docs"));
        assertThrows(NamespaceNotFoundException.class, () -> s.delete("docs"));
        assertThrows(NamespaceNotFoundException.class, () -> s.get("docs", "a"));
    }

    @Test
    void onlyTheCurrentSnapshotIsKept() {
        NamespaceService s = newInstance();
        for (int i = 0; i < 5; i++) {
            s.upsert("docs", List.of(vec("v" + i, i)));
        }
        assertEquals(1, objects.list("ns/docs/snapshots/").size());
    }

    @Test
    void corruptSnapshotsAreDetected() {
        newInstance().upsert("docs", List.of(vec("a", 1, 2)));
        ObjectInfo snapshot = objects.list("ns/docs/snapshots/").get(0);
        StoredObject o = objects.get(snapshot.key()).orElseThrow();
        byte[] flipped = o.bytes().clone();
        flipped[30] ^= 1;
        objects.putIfMatch(snapshot.key(), flipped, o.etag());
        assertThrows(CorruptObjectException.class, () -> newInstance().get("docs", "a"));
    }
}
