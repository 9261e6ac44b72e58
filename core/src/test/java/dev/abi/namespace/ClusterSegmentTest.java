package dev.abi.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.FaultyObjectStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.Manifest;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.SegmentRef;
import dev.abi.vector.CorruptSegmentException;
import dev.abi.vector.Filter;
import dev.abi.vector.FilterParser;
import dev.abi.vector.Metric;
import dev.abi.vector.VectorIndex;
import dev.abi.vector.ivf.ClusteredVectorIndex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Past the cluster threshold compaction stores a clustered segment; serving instances search it by ranged reads
 * under the writes made since, and a warm instance reads nothing of it again.
 */
class ClusterSegmentTest {

    private static final int DIM = 8;
    private static final NamespaceStore.Options OPTIONS = new NamespaceStore.Options(
            Duration.ofDays(1), Duration.ofHours(1), 1000, 2, Duration.ofMinutes(2), 1_000_000, 600);

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore memory = new InMemoryObjectStore(clock);
    private final FaultyObjectStore objects = new FaultyObjectStore(memory, 21);
    private final List<FaultyObjectStore.Call> calls = new CopyOnWriteArrayList<>();
    private final float[][] data = clustered(1500, 5);

    ClusterSegmentTest() {
        objects.before(c -> true, Integer.MAX_VALUE, calls::add);
    }

    private NamespaceService newInstance() {
        return new NamespaceService(
                new NamespaceStore(objects, new ObjectMetadataStore(objects, clock), clock, OPTIONS), Runnable::run);
    }

    private static float[][] clustered(int n, long seed) {
        Random r = new Random(seed);
        float[][] centres = new float[12][DIM];
        for (float[] c : centres) {
            for (int d = 0; d < DIM; d++) {
                c[d] = (float) r.nextGaussian() * 4;
            }
        }
        float[][] out = new float[n][DIM];
        for (int i = 0; i < n; i++) {
            float[] c = centres[r.nextInt(centres.length)];
            for (int d = 0; d < DIM; d++) {
                out[i][d] = c[d] + (float) r.nextGaussian();
            }
        }
        return out;
    }

    private void upsert(NamespaceService s, NamespaceService indexer, int from, int to) {
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(new VectorRecord("v" + i, data[i], Map.of("i", (long) i, "odd", i % 2 == 1)));
        }
        s.upsert("docs", batch);
        indexer.fold("docs"); // one delta per batch; the third compacts (maxDeltas is 2)
    }

    private static Manifest newest(NamespaceService s) {
        return s.store().open("docs").orElseThrow().manifests().newest().orElseThrow();
    }

    private static VectorIndex headIndex(NamespaceService s) {
        DurableNamespace ns = s.store().open("docs").orElseThrow();
        return ns.load(ns.head().seq()).index();
    }

    private static List<String> ids(NamespaceService s, float[] q, int k, Filter f) {
        return s.query("docs", new NamespaceService.Query(q, k, f, null)).matches().stream()
                .map(m -> m.vector().id())
                .toList();
    }

    private void assertFindsThemselves(NamespaceService s, int from, int to, int step) {
        List<String> missed = new ArrayList<>();
        for (int i = from; i < to; i += step) {
            if (!ids(s, data[i], 5, Filter.ALL).contains("v" + i)) {
                missed.add("v" + i);
            }
        }
        assertTrue(missed.isEmpty(), "vectors that did not find themselves: " + missed);
    }

    private long segmentReads() {
        return calls.stream()
                .filter(c -> c.key().contains("/seg/")
                        && (c.op() == FaultyObjectStore.Op.GET || c.op() == FaultyObjectStore.Op.GET_RANGE))
                .count();
    }

    private NamespaceService compacted1200() {
        NamespaceService writer = newInstance();
        writer.create("docs", DIM, Metric.L2);
        for (int from = 0; from < 1200; from += 400) {
            upsert(writer, writer, from, from + 400);
        }
        return writer;
    }

    @Test
    void compactionStoresClustersAndInstancesSearchThemUnderLaterWrites() {
        NamespaceService writer = compacted1200();
        Manifest m = newest(writer);
        assertEquals(
                List.of(Segments.CLUSTER),
                m.segments().stream().map(SegmentRef::kind).toList());
        assertEquals(1200, m.count());

        NamespaceService cold = newInstance();
        VectorIndex index = headIndex(cold);
        assertTrue(index instanceof ClusteredVectorIndex, "searched in place: " + index.getClass());
        assertEquals(1200, index.size());
        assertFindsThemselves(cold, 0, 1200, 37);
        Filter odd = FilterParser.parse(Map.of("odd", Map.of("$eq", true)));
        List<String> oddIds = ids(cold, data[10], 10, odd);
        assertEquals(10, oddIds.size());
        for (String id : oddIds) {
            assertEquals(1, Integer.parseInt(id.substring(1)) % 2, "the filter holds on stored attributes: " + id);
        }

        // after the compaction: deletes, a replacement and new ids, in the log and in deltas
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < 100; i += 3) {
            gone.add("v" + i);
        }
        cold.deleteVectors("docs", gone);
        cold.upsert("docs", List.of(new VectorRecord("v1", data[1400], Map.of("i", 1L, "moved", true))));
        for (String id : gone) {
            int i = Integer.parseInt(id.substring(1));
            assertFalse(ids(cold, data[i], 10, Filter.ALL).contains(id), id + " was deleted");
        }
        assertFalse(ids(cold, data[1], 3, Filter.ALL).contains("v1"), "v1's stored vector is hidden");
        assertEquals(true, cold.get("docs", "v1").attributes().get("moved"));
        assertArrayEquals(data[5], cold.get("docs", "v5").values(), "stored vectors are read by id");
        assertEquals(1200 - gone.size(), headIndex(cold).size());

        writer.fold("docs");
        upsert(cold, writer, 1200, 1350);
        upsert(cold, writer, 1350, 1500);
        Manifest next = newest(cold);
        assertEquals(
                List.of(Segments.CLUSTER),
                next.segments().stream().map(SegmentRef::kind).toList());
        assertEquals(1500 - gone.size(), next.count());
        NamespaceService third = newInstance();
        assertEquals(1500 - gone.size(), headIndex(third).size());
        assertFindsThemselves(third, 1200, 1500, 29);
        assertFalse(ids(third, data[3], 10, Filter.ALL).contains("v3"));
        assertEquals(1300L, ((Number) third.get("docs", "v1300").attributes().get("i")).longValue());
    }

    @Test
    void aWarmQueryReadsNothingOfTheSegmentAgain() {
        compacted1200();
        NamespaceService instance = newInstance();
        calls.clear();
        List<String> first = ids(instance, data[42], 10, Filter.ALL);
        long cold = segmentReads();
        assertTrue(cold > 1, "a cold query reads the header and clusters by range: " + cold);
        assertTrue(calls.stream().anyMatch(c -> c.op() == FaultyObjectStore.Op.GET_RANGE), calls.toString());
        calls.clear();
        assertEquals(first, ids(instance, data[42], 10, Filter.ALL));
        assertEquals(0, segmentReads(), "a warm query reads no segment: " + calls);
    }

    @Test
    void aDamagedHeaderFallsBackToAnOlderManifestAndTheLog() {
        compacted1200();
        SegmentRef ref = newest(newInstance()).segments().get(0);
        byte[] bytes = memory.get(ref.key()).orElseThrow().bytes().clone();
        bytes[bytes.length / 2] ^= 0x10;
        memory.delete(ref.key());
        memory.putIfAbsent(ref.key(), bytes);
        NamespaceService cold = newInstance();
        assertEquals(1200, headIndex(cold).size(), "the older manifest plus the log still hold every vector");
        assertTrue(ids(cold, data[77], 5, Filter.ALL).contains("v77"));
    }

    @Test
    void aDamagedClusterIsATypedErrorOnTheQueryThatReadsIt() {
        compacted1200();
        SegmentRef ref = newest(newInstance()).segments().get(0);
        String part = ref.key() + ".c0";
        byte[] bytes = memory.get(part).orElseThrow().bytes().clone();
        for (int i = 0; i < bytes.length; i += 64) {
            bytes[i] ^= 0x20;
        }
        memory.delete(part);
        memory.putIfAbsent(part, bytes);
        NamespaceService cold = newInstance();
        CorruptSegmentException e = assertThrows(
                CorruptSegmentException.class,
                () -> cold.query("docs", new NamespaceService.Query(data[9], 10, Filter.ALL, null)));
        assertEquals(ref.key(), e.segment());
    }

    @Test
    void aCrashWhileWritingPartsLeavesTheOldStateAndGcTakesOnlyTheOrphans() {
        NamespaceService writer = newInstance();
        writer.create("docs", DIM, Metric.L2);
        upsert(writer, writer, 0, 400);
        upsert(writer, writer, 400, 800);
        Manifest before = newest(writer);
        objects.crashAfter(FaultyObjectStore.op(FaultyObjectStore.Op.PUT_IF_ABSENT, ".bin.v0"), 1);
        assertThrows(FaultyObjectStore.SimulatedCrash.class, () -> upsert(writer, writer, 800, 1200));
        assertEquals(before.version(), newest(newInstance()).version(), "no manifest names the half-written segment");
        assertEquals(1200, headIndex(newInstance()).size(), "the log holds the batch");

        clock.advance(Duration.ofMinutes(3)); // the dead writer's lease runs out
        NamespaceService indexer = newInstance();
        assertEquals("COMMITTED", indexer.compact("docs"));
        SegmentRef live = newest(indexer).segments().get(0);
        assertEquals(Segments.CLUSTER, live.kind());
        long orphans = memory.list("ns/").stream()
                .filter(o -> o.key().contains(".bin.") && !o.key().startsWith(live.key()))
                .count();
        assertTrue(orphans >= 2, "the crashed writer left parts: " + orphans);
        clock.advance(Duration.ofHours(2));
        indexer.collectGarbage("docs");
        assertEquals(
                0,
                memory.list("ns/").stream()
                        .filter(o -> o.key().contains(".bin.") && !o.key().startsWith(live.key()))
                        .count(),
                "orphan parts are collected");
        assertTrue(memory.list(live.key() + ".").size() >= 3, "the live segment keeps its parts");
        NamespaceService cold = newInstance();
        assertEquals(1200, headIndex(cold).size());
        assertFindsThemselves(cold, 0, 1200, 41);
    }
}
