package dev.abi.namespace;

import static dev.abi.store.FaultyObjectStore.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.FaultyObjectStore;
import dev.abi.store.FaultyObjectStore.Op;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.LogEntry;
import dev.abi.store.Manifest;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreLease;
import dev.abi.store.Operation;
import dev.abi.store.StoredObject;
import dev.abi.vector.Metric;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fault-injection cases of DESIGN-STORAGE.md against the in-memory store, each seeded and deterministic. */
class CommitProtocolTest {

    private static final Duration GRACE = Duration.ofHours(1);
    private static final NamespaceStore.Options OPTS =
            new NamespaceStore.Options(Duration.ofDays(1), GRACE, 1000, 2, Duration.ofMinutes(2));

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore memory = new InMemoryObjectStore(clock);

    private NamespaceStore instance(ObjectStore objects) {
        return new NamespaceStore(objects, new dev.abi.store.ObjectMetadataStore(objects, clock), clock, OPTS);
    }

    private DurableNamespace created(String name) {
        instance(memory).create(name, 2, Metric.L2);
        return instance(memory).open(name).orElseThrow();
    }

    private static List<Operation> upsert(String id, float x) {
        return List.of(Operation.upsert(id, new float[] {x, 0}, Map.of()));
    }

    private TreeMap<String, String> head(String name) {
        DurableNamespace ns = instance(memory).open(name).orElseThrow();
        return ModelCheck.contents(ns.load(ns.head().seq()));
    }

    // 1. A crash at each boundary.
    @Test
    void crashAfterTheWalPutLeavesAnOrphanThatGcCollectsAndNoCommit() {
        created("c1");
        FaultyObjectStore faulty = new FaultyObjectStore(memory, 1).crashAfter(op(Op.PUT_IF_ABSENT, "/wal/"), 1);
        DurableNamespace ns = instance(faulty).open("c1").orElseThrow();
        assertThrows(FaultyObjectStore.SimulatedCrash.class, () -> ns.append(upsert("a", 1)));
        DurableNamespace fresh = instance(memory).open("c1").orElseThrow();
        assertEquals(0, fresh.head().seq(), "nothing was committed");
        assertEquals(1, memory.list(fresh.root() + "wal/").size());

        GarbageCollector gc = new GarbageCollector(Duration.ofDays(1), GRACE);
        assertEquals(0, gc.collect(fresh, clock.millis()).deleted(), "younger than the grace period: kept");
        clock.advance(GRACE.plusMinutes(1));
        assertEquals(1, gc.collect(fresh, clock.millis()).deleted());
        assertTrue(memory.list(fresh.root() + "wal/").isEmpty());
    }

    @Test
    void crashAfterTheLogPutBeforeTheAckStillCommitsExactlyOnce() {
        created("c2");
        FaultyObjectStore faulty = new FaultyObjectStore(memory, 2).crashAfter(op(Op.PUT_IF_ABSENT, "/log/"), 1);
        DurableNamespace ns = instance(faulty).open("c2").orElseThrow();
        assertThrows(FaultyObjectStore.SimulatedCrash.class, () -> ns.append(upsert("a", 1)));
        assertEquals(Set.of("a"), head("c2").keySet(), "an unacknowledged but committed write may be visible");
        instance(memory).open("c2").orElseThrow().append(upsert("b", 2));
        assertEquals(2, instance(memory).open("c2").orElseThrow().head().seq());
    }

    @Test
    void crashAfterTheSegmentUploadBeforeTheManifestLeavesTheNamespaceReadable() {
        DurableNamespace ns = created("c3");
        ns.append(upsert("a", 1));
        ns.append(upsert("b", 2));
        FaultyObjectStore faulty = new FaultyObjectStore(memory, 3).crashAfter(op(Op.PUT_IF_ABSENT, "/seg/"), 1);
        NamespaceStore crashing = instance(faulty);
        assertThrows(
                FaultyObjectStore.SimulatedCrash.class,
                () -> crashing.indexer().fold(crashing.open("c3").orElseThrow()));
        assertEquals(Set.of("a", "b"), head("c3").keySet(), "read from the log tail");
        assertEquals(0, ns.manifests().newest().orElseThrow().version(), "no manifest was committed");

        clock.advance(Duration.ofMinutes(3)); // the dead indexer's lease expires
        NamespaceStore next = instance(memory);
        assertEquals(
                Indexer.Outcome.COMMITTED,
                next.indexer().fold(next.open("c3").orElseThrow()).outcome());
        assertEquals(2, memory.list(ns.root() + "seg/").size(), "one orphan, one live segment");
        clock.advance(GRACE.plusMinutes(1));
        assertEquals(
                1,
                new GarbageCollector(Duration.ofDays(1), GRACE)
                        .collect(ns, clock.millis())
                        .deleted());
        assertEquals(Set.of("a", "b"), head("c3").keySet());
    }

    // 2. Writers racing for slots.
    @ParameterizedTest
    @ValueSource(ints = {2, 8, 32})
    void racingWritersGetContiguousSlotsWrittenOnceWithIncreasingTimes(int writers) throws Exception {
        created("race");
        int perWriter = 64 / writers + 2;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<List<Long>>> acks = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            acks.add(pool.submit(() -> {
                DurableNamespace ns = instance(memory).open("race").orElseThrow();
                start.await();
                List<Long> seqs = new ArrayList<>();
                for (int i = 0; i < perWriter; i++) {
                    seqs.add(ns.append(upsert("w" + writer + "-" + i, i)).seq());
                }
                return seqs;
            }));
        }
        start.countDown();
        Set<Long> all = new HashSet<>();
        for (Future<List<Long>> f : acks) {
            for (long s : f.get(60, TimeUnit.SECONDS)) {
                assertTrue(all.add(s), "slot " + s + " acknowledged twice");
            }
        }
        pool.shutdown();
        int total = writers * perWriter;
        DurableNamespace ns = instance(memory).open("race").orElseThrow();
        List<LogEntry> log = ns.log().entriesAfter(0, Long.MAX_VALUE);
        assertEquals(total, log.size());
        for (int i = 1; i < log.size(); i++) {
            assertTrue(log.get(i).commitTs() > log.get(i - 1).commitTs());
        }
        assertEquals(total, head("race").size());
    }

    // 3. A response lost after the store applied the conditional put.
    @Test
    void aLostResponseAfterTheLogPutIsResolvedByReadingTheSlotBack() {
        created("lost");
        FaultyObjectStore faulty = new FaultyObjectStore(memory, 3).loseResponseAfter(op(Op.PUT_IF_ABSENT, "/log/"), 1);
        DurableNamespace ns = instance(faulty).open("lost").orElseThrow();
        assertEquals(1, ns.append(upsert("a", 1)).seq(), "acknowledged at the slot that was written");
        assertEquals(2, ns.append(upsert("b", 1)).seq());
        DurableNamespace fresh = instance(memory).open("lost").orElseThrow();
        assertEquals(2, fresh.log().entriesAfter(0, Long.MAX_VALUE).size(), "no duplicate commit");
    }

    // 4. The indexer paused, a new epoch started, the old indexer resumed.
    @Test
    void aZombieIndexerFromAnOlderEpochCanNeverCommit() throws Exception {
        DurableNamespace ns = created("zombie");
        ns.append(upsert("a", 1));
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        FaultyObjectStore faulty = new FaultyObjectStore(memory, 4).before(op(Op.PUT_IF_ABSENT, "/manifest/"), 1, c -> {
            paused.countDown();
            try {
                resume.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        NamespaceStore old = instance(faulty);
        var zombie = Executors.newSingleThreadExecutor()
                .submit(() -> old.indexer().fold(old.open("zombie").orElseThrow()));
        assertTrue(paused.await(10, TimeUnit.SECONDS));

        clock.advance(Duration.ofMinutes(5)); // its lease expired while it was paused
        ns.append(upsert("b", 2));
        NamespaceStore fresh = instance(memory);
        Indexer.Result newer = fresh.indexer().fold(fresh.open("zombie").orElseThrow());
        assertEquals(Indexer.Outcome.COMMITTED, newer.outcome());
        assertEquals(2, newer.manifest().epoch());

        resume.countDown();
        assertEquals(Indexer.Outcome.FENCED, zombie.get(10, TimeUnit.SECONDS).outcome());
        List<Manifest> manifests = ns.manifests().all();
        for (int i = 1; i < manifests.size(); i++) {
            assertTrue(manifests.get(i - 1).epoch() >= manifests.get(i).epoch(), "epochs never decrease");
        }
        assertEquals(2, manifests.get(0).epoch());
        assertEquals(
                Indexer.Outcome.FENCED,
                new Indexer(new ObjectStoreLease(memory, clock), "x", Duration.ofMinutes(1), 2)
                        .foldAs(ns, 1)
                        .outcome(),
                "an epoch-1 fold after epoch 2 committed is fenced");
        assertEquals(Set.of("a", "b"), head("zombie").keySet());
    }

    // 5. GC running while a writer is stalled between its WAL put and its log put.
    @Test
    void gcDuringAStalledWriteCannotLoseTheWrite() throws Exception {
        created("stall");
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        FaultyObjectStore faulty = new FaultyObjectStore(memory, 5).after(op(Op.PUT_IF_ABSENT, "/wal/"), 1, c -> {
            stalled.countDown();
            try {
                resume.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        DurableNamespace writer = instance(faulty).open("stall").orElseThrow();
        var ack = Executors.newSingleThreadExecutor().submit(() -> writer.append(upsert("a", 1)));
        assertTrue(stalled.await(10, TimeUnit.SECONDS));
        clock.advance(GRACE.plusMinutes(5));
        DurableNamespace gcView = instance(memory).open("stall").orElseThrow();
        assertEquals(
                1,
                new GarbageCollector(Duration.ofDays(1), GRACE)
                        .collect(gcView, clock.millis())
                        .deleted(),
                "the stalled writer's WAL looked like an orphan and was collected");
        resume.countDown();
        LogEntry committed = ack.get(10, TimeUnit.SECONDS);
        assertTrue(memory.get(committed.walKey()).isPresent(), "the writer uploaded its batch again before committing");
        assertEquals(Set.of("a"), head("stall").keySet());
    }

    // 6. Tag, compaction, GC, then a restore to the tag.
    @Test
    void aTaggedVersionSurvivesCompactionAndGcAndRestoresExactly() {
        DurableNamespace ns = created("tagged");
        NamespaceStore store = instance(memory);
        for (int i = 0; i < 4; i++) {
            ns.append(upsert("v" + i, i));
        }
        TreeMap<String, String> atTag = head("tagged");
        ns.tag("before", ns.head());
        for (int round = 0; round < 5; round++) {
            ns.append(List.of(
                    Operation.delete("v" + round % 4), Operation.upsert("n" + round, new float[] {9, 9}, Map.of())));
            store.indexer().fold(store.open("tagged").orElseThrow());
        }
        assertTrue(
                ns.manifests().newest().orElseThrow().segments().stream()
                        .anyMatch(s -> s.kind().equals("base")),
                "compaction wrote a base segment");
        clock.advance(Duration.ofDays(2)); // past retention and grace
        ns.append(upsert("late", 1));
        int deleted = new GarbageCollector(Duration.ofDays(1), GRACE)
                .collect(ns, clock.millis())
                .deleted();
        assertTrue(deleted > 0, "history outside retention was collected");
        NamespaceService service = new NamespaceService(store, Runnable::run);
        NamespaceService.RestoreResult r = service.restoreToSnapshot("tagged", "before");
        assertEquals(4, r.restoredFrom());
        assertEquals(atTag, head("tagged"));
        assertThrows(
                VersionNotFoundException.class,
                () -> service.restoreToVersion("tagged", 6),
                "an untagged version outside retention is gone");
        assertEquals(
                2,
                service.restoreToVersion("tagged", 2).restoredFrom(),
                "versions the tag's replay needs stay reachable");
    }

    // 7. Clock skew of +-5 minutes between writers.
    @Test
    void skewedClocksStillGiveStrictlyIncreasingCommitTimesAndConsistentTimeLookups() {
        created("skew");
        List<DurableNamespace> writers = new ArrayList<>();
        for (int minutes : new int[] {-5, 5, 0}) {
            ObjectStore o = memory;
            NamespaceStore s = new NamespaceStore(
                    o,
                    new dev.abi.store.ObjectMetadataStore(o, clock),
                    clock.skewed(Duration.ofMinutes(minutes)),
                    OPTS);
            writers.add(s.open("skew").orElseThrow());
        }
        for (int i = 0; i < 30; i++) {
            writers.get(i % 3).append(upsert("k" + i, i));
            clock.advance(Duration.ofSeconds(20));
        }
        DurableNamespace ns = instance(memory).open("skew").orElseThrow();
        List<LogEntry> log = ns.log().entriesAfter(0, Long.MAX_VALUE);
        for (int i = 0; i < log.size(); i++) {
            if (i > 0) {
                assertTrue(log.get(i).commitTs() > log.get(i - 1).commitTs());
            }
            assertEquals(log.get(i).seq(), ns.log().seqAt(log.get(i).commitTs()).orElseThrow());
        }
    }

    // 8. A flipped byte or truncation in a segment, manifest or WAL object.
    @Test
    void aCorruptSegmentFallsBackToTheOlderManifestAndTheLog() {
        DurableNamespace ns = created("flip");
        NamespaceStore store = instance(memory);
        ns.append(upsert("a", 1));
        store.indexer().fold(store.open("flip").orElseThrow());
        ns.append(upsert("b", 2));
        store.indexer().fold(store.open("flip").orElseThrow());
        Manifest newest = ns.manifests().newest().orElseThrow();
        String segment = newest.segments().get(newest.segments().size() - 1).key();
        StoredObject o = memory.get(segment).orElseThrow();
        byte[] flipped = o.bytes().clone();
        flipped[flipped.length / 2] ^= 0x10;
        memory.putIfMatch(segment, flipped, o.etag());
        assertEquals(Set.of("a", "b"), head("flip").keySet(), "still readable, and right");

        CorruptObjectException e = assertThrows(
                CorruptObjectException.class, () -> Segments.load(memory, newest.segments(), 2, Metric.L2, 20_000));
        assertEquals(segment, e.key());
    }

    @Test
    void aTruncatedManifestIsSkippedAndATruncatedWalIsATypedError() {
        DurableNamespace ns = created("trunc");
        NamespaceStore store = instance(memory);
        ns.append(upsert("a", 1));
        store.indexer().fold(store.open("trunc").orElseThrow());
        String key = ns.manifests().key(1);
        StoredObject m = memory.get(key).orElseThrow();
        memory.putIfMatch(key, Arrays.copyOf(m.bytes(), m.bytes().length - 7), m.etag());
        assertEquals(0, ns.manifests().newest().orElseThrow().version(), "falls back to the previous manifest");
        assertEquals(Set.of("a"), head("trunc").keySet());

        LogEntry e = ns.append(upsert("b", 2));
        StoredObject wal = memory.get(e.walKey()).orElseThrow();
        memory.putIfMatch(e.walKey(), Arrays.copyOf(wal.bytes(), 10), wal.etag());
        CorruptObjectException thrown = assertThrows(CorruptObjectException.class, () -> head("trunc"));
        assertEquals(e.walKey(), thrown.key());
    }

    // 9. Storms of 409, 503 and 429 answers.
    @Test
    void stormsOfConflictsAndUnavailabilityLoseNoAcknowledgedWrite() {
        created("storm");
        FaultyObjectStore faulty =
                new FaultyObjectStore(memory, 9).storms(0.3, 0.1).stormTargets(c -> c.isPut() || c.op() == Op.GET);
        DurableNamespace ns = instance(faulty).open("storm").orElseThrow();
        Set<String> acknowledged = new HashSet<>();
        int failed = 0;
        for (int i = 0; i < 60; i++) {
            try {
                ns.append(upsert("s" + i, i));
                acknowledged.add("s" + i);
            } catch (RuntimeException e) {
                failed++;
            }
        }
        faulty.heal();
        Set<String> stored = head("storm").keySet();
        assertTrue(stored.containsAll(acknowledged), "every acknowledged write is in HEAD");
        assertTrue(acknowledged.size() > 30, "most writes got through: " + acknowledged.size() + ", failed " + failed);
        assertEquals(
                stored.size(),
                instance(memory)
                        .open("storm")
                        .orElseThrow()
                        .log()
                        .entriesAfter(0, Long.MAX_VALUE)
                        .size(),
                "each stored batch is one slot: no duplicates");
    }

    // 10. The model check, many seeds.
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void modelCheckAgainstTheInMemoryStore(long seed) throws Exception {
        ModelCheck.Report r = ModelCheck.run(new InMemoryObjectStore(), seed, 2 + (int) (seed % 4), 25);
        assertTrue(r.acknowledged() > 0 && r.statesChecked() > 0 && r.readsChecked() > 0, r.toString());
    }

    @Test
    void modelCheckAgainstTheLocalDiskStore(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        ModelCheck.Report r = ModelCheck.run(new dev.abi.store.LocalDiskObjectStore(dir), 21, 4, 15);
        assertTrue(r.acknowledged() > 0 && r.statesChecked() > 0 && r.readsChecked() > 0, r.toString());
    }

    @Test
    void gcNeverDeletesWhatALiveVersionReferencesOrAnythingYoungerThanGrace() {
        DurableNamespace ns = created("gc");
        NamespaceStore store = instance(memory);
        for (int i = 0; i < 6; i++) {
            ns.append(upsert("g" + i, i));
            store.indexer().fold(store.open("gc").orElseThrow());
        }
        GarbageCollector gc = new GarbageCollector(Duration.ofDays(1), GRACE);
        assertEquals(0, gc.collect(ns, clock.millis()).deleted(), "everything is young and inside retention");
        clock.advance(Duration.ofHours(2));
        gc.collect(ns, clock.millis());
        for (long s = 0; s <= 6; s++) {
            assertEquals(s, ns.load(s).index().size(), "version " + s + " inside retention is intact");
        }
        List<ObjectInfo> before = memory.list(ns.root());
        assertFalse(before.isEmpty());
    }
}
