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
        return new NamespaceService(new NamespaceStore(objects));
    }

    private static VectorRecord vec(String id, float... values) {
        return new VectorRecord(id, values, Map.of("n", (long) values.length));
    }

    @Test
    void theLoserOfACreationRaceLeavesNoIncarnationBehind() {
        NamespaceStore winner = new NamespaceStore(objects);
        NamespaceStore loser = new NamespaceStore(objects);
        winner.create("raced", 2, Metric.COSINE);
        List<String> before =
                objects.list("ns/raced/").stream().map(ObjectInfo::key).toList();
        assertThrows(dev.abi.store.PreconditionFailedException.class, () -> loser.create("raced", 2, Metric.COSINE));
        assertEquals(
                before,
                objects.list("ns/raced/").stream().map(ObjectInfo::key).toList(),
                "the losing creator's empty manifest is deleted");
    }

    @Test
    void aCachedQueryIsNeverAnsweredForANamespaceDeletedAndCreatedAgainAtTheSameVersion() {
        NamespaceService s = newInstance();
        NamespaceService.Query q = new NamespaceService.Query(new float[] {1, 0}, 1, Filter.ALL, null);
        s.upsert("again", List.of(vec("old", 1, 0)));
        assertEquals("old", s.query("again", q, "k").matches().get(0).vector().id());
        s.delete("again");
        s.upsert("again", List.of(vec("new", 1, 0)));
        assertEquals(
                "new",
                s.query("again", q, "k").matches().get(0).vector().id(),
                "the same name and version, but another incarnation: the cached result must not be reused");
    }

    @Test
    void firstUpsertCreatesACosineNamespaceAndVersionsCountBatches() {
        NamespaceService s = newInstance();
        assertEquals(
                1, s.upsert("docs", List.of(vec("a", 1, 0), vec("b", 0, 1))).version());
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
        assertEquals(
                "a",
                reader.query("docs", new NamespaceService.Query(new float[] {1, 0}, 5, Filter.ALL, null))
                        .matches()
                        .get(0)
                        .vector()
                        .id());
        writer.upsert("docs", List.of(vec("b", 1, 0.1f)));
        assertEquals(
                2,
                reader.query("docs", new NamespaceService.Query(new float[] {1, 0}, 5, Filter.ALL, null))
                        .matches()
                        .size());
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
        DimensionMismatchException e = assertThrows(
                DimensionMismatchException.class, () -> s.upsert("docs", List.of(vec("b", 1, 0, 0), vec("c", 1, 0))));
        assertEquals("vectors[1].values", e.field());
        assertEquals(1, s.describe("docs").count(), "a rejected batch writes nothing");
    }

    @Test
    void deleteRemovesAllButTheClosedLogAndUnknownNamespacesAreTyped() {
        NamespaceService s = newInstance();
        s.upsert("docs", List.of(vec("a", 1)));
        s.delete("docs");
        List<String> left =
                objects.list("ns/docs/").stream().map(ObjectInfo::key).toList();
        assertEquals(2, left.size(), "the write's slot and the delete's, until the grace period passes: " + left);
        assertTrue(left.stream().allMatch(k -> k.contains("/log/")), left.toString());
        assertThrows(NamespaceNotFoundException.class, () -> s.describe("docs"));
        assertThrows(NamespaceNotFoundException.class, () -> s.delete("docs"));
        assertThrows(NamespaceNotFoundException.class, () -> s.get("docs", "a"));
    }

    @Test
    void eachWriteIsOneWalObjectAndOneLogSlotInOrder() {
        NamespaceService s = newInstance();
        for (int i = 0; i < 5; i++) {
            s.upsert("docs", List.of(vec("v" + i, i)));
        }
        String root = s.store().open("docs").orElseThrow().root();
        List<String> log =
                objects.list(root + "log/").stream().map(ObjectInfo::key).toList();
        assertEquals(5, log.size());
        assertTrue(log.get(0).endsWith("/log/00000000000000000001.json"), log.get(0));
        assertEquals(5, objects.list(root + "wal/").size());
    }

    @Test
    void aCorruptWalIsATypedErrorNamingIt() {
        newInstance().upsert("docs", List.of(vec("a", 1, 2)));
        String root = newInstance().store().open("docs").orElseThrow().root();
        ObjectInfo wal = objects.list(root + "wal/").get(0);
        StoredObject o = objects.get(wal.key()).orElseThrow();
        byte[] flipped = o.bytes().clone();
        flipped[12] ^= 1;
        objects.putIfMatch(wal.key(), flipped, o.etag());
        CorruptObjectException e =
                assertThrows(CorruptObjectException.class, () -> newInstance().get("docs", "a"));
        assertEquals(wal.key(), e.key());
    }
}
