package dev.abi.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.CountingObjectStore;
import dev.abi.store.FaultyObjectStore;
import dev.abi.store.FaultyObjectStore.Op;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.LogEntry;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Freshness without LIST: what a read of the current state costs in store calls, and what it is guaranteed to see.
 * Every instance shares one store (counted) and one hand-moved clock; no test depends on timing.
 */
class FreshnessTest {

    private static final NamespaceStore.Options OPTIONS = new NamespaceStore.Options(
            Duration.ofHours(2),
            Duration.ofHours(1),
            100_000,
            8,
            Duration.ofSeconds(30)); // no automatic folds unless a test folds
    private static final NamespaceService.Query ALL =
            new NamespaceService.Query(new float[] {1, 0}, 1000, Filter.ALL, null);

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore memory = new InMemoryObjectStore(clock);
    private final CountingObjectStore store = new CountingObjectStore(memory);

    private NamespaceService instance(ReadPolicy policy) {
        return instance(policy, OPTIONS);
    }

    private NamespaceService instance(ReadPolicy policy, NamespaceStore.Options options) {
        return new NamespaceService(
                new NamespaceStore(store, new ObjectMetadataStore(store, clock), clock, options),
                Runnable::run,
                10_000,
                policy);
    }

    private NamespaceService instance() {
        return instance(ReadPolicy.DEFAULTS);
    }

    private static List<VectorRecord> one(String id) {
        return List.of(new VectorRecord(id, new float[] {1, id.length()}, Map.of()));
    }

    private static List<String> ids(QueryResult r) {
        return r.matches().stream().map(m -> m.vector().id()).sorted().toList();
    }

    private static NamespaceService.Query all(Consistency c) {
        return new NamespaceService.Query(new float[] {1, 0}, 1000, Filter.ALL, null, c);
    }

    @Test
    void aStrongQueryOnAWarmInstanceIsOneGetAndNeverAList() {
        NamespaceService writer = instance();
        for (int i = 0; i < 20; i++) {
            writer.upsert("docs", one("v" + i));
        }
        NamespaceService reader = instance();
        assertEquals(20, reader.query("docs", ALL).matches().size()); // cold: loads the state (lists, once)
        for (int q = 0; q < 5; q++) {
            store.reset();
            QueryResult r = reader.query("docs", ALL);
            assertEquals(20, r.version());
            assertEquals(0, store.count(Op.LIST), "no LIST per query: " + store.summary());
            assertEquals(1, store.count(Op.GET), "one GET (the next log slot, free): " + store.summary());
            assertEquals(1, store.total(), store.summary());
        }
        store.reset();
        reader.query("docs", ALL, "coalesced");
        reader.reads().get("docs", "v3");
        reader.reads().queryAll("docs", List.of(new Probe(new float[] {1, 0}, null, 3, Filter.ALL)), null);
        assertEquals(
                3,
                store.count(Op.GET),
                "a coalesced query, a get by id, several queries: one GET each: " + store.summary());
        assertEquals(0, store.count(Op.LIST), store.summary());
    }

    @Test
    void aWriteThroughOneInstanceIsSeenByAStrongReadOnAnotherAtOnce() {
        NamespaceService a = instance();
        NamespaceService b = instance();
        a.upsert("docs", one("first"));
        assertEquals(List.of("first"), ids(b.query("docs", ALL)));
        assertEquals(List.of("first"), ids(a.query("docs", ALL)));
        for (int i = 0; i < 5; i++) {
            WriteResult w = a.upsert("docs", one("w" + i));
            store.reset();
            QueryResult r = b.query("docs", ALL);
            assertEquals(w.version(), r.version(), "the acknowledged write is in the next strong read elsewhere");
            assertTrue(ids(r).contains("w" + i));
            // the new slot, its WAL, and the free slot after it
            assertEquals(3, store.count(Op.GET), store.summary());
            assertEquals(0, store.count(Op.LIST), store.summary());
        }
        // the writer's own reads: the new slots and the free one, but no WAL GET (its batches are cached)
        a.upsert("docs", one("own"));
        store.reset();
        assertTrue(ids(a.query("docs", ALL)).contains("own"));
        assertEquals(
                7, store.count(Op.GET), "six slots written since a's last read, and the free one: " + store.summary());
        assertEquals(0, store.count(Op.LIST), store.summary());
    }

    @Test
    void anEventualReadWithinTheBoundCostsNothingAndIsNeverOlderThanTheBound() {
        ReadPolicy eventual =
                ReadPolicy.DEFAULTS.withConsistency(Consistency.EVENTUAL).withMaxStaleness(Duration.ofMillis(250));
        NamespaceService a = instance();
        NamespaceService b = instance(eventual);
        a.upsert("docs", one("first"));
        assertEquals(1, b.query("docs", ALL).version());

        a.upsert("docs", one("second"));
        clock.advance(Duration.ofMillis(100));
        store.reset();
        QueryResult stale = b.query("docs", ALL);
        assertEquals(0, store.total(), "within the bound: no store call " + store.summary());
        assertEquals(1, stale.version(), "a write acknowledged within the bound may be missing");
        assertEquals(2, b.query("docs", all(Consistency.STRONG)).version(), "strong per request: seen at once");

        a.upsert("docs", one("third"));
        clock.advance(Duration.ofMillis(251));
        store.reset();
        assertEquals(3, b.query("docs", ALL).version(), "past the bound an eventual read checks the log first");
        assertEquals(0, store.count(Op.LIST), store.summary());

        // the bound as a property: any write acknowledged more than maxStaleness before a read is in it
        Random rnd = new Random(21);
        List<long[]> acks = new ArrayList<>(); // {seq, ack time}
        for (int step = 0; step < 300; step++) {
            if (rnd.nextInt(3) == 0) {
                long seq = a.upsert("docs", one("s" + step)).version();
                acks.add(new long[] {seq, clock.millis()});
            }
            clock.advance(Duration.ofMillis(rnd.nextInt(120)));
            long readAt = clock.millis();
            store.reset();
            long version = b.query("docs", ALL).version();
            long mustSee = acks.stream()
                    .filter(x -> x[1] < readAt - 250)
                    .mapToLong(x -> x[0])
                    .max()
                    .orElse(0);
            assertTrue(
                    version >= mustSee,
                    "read at " + readAt + " answered version " + version + " but version " + mustSee
                            + " was acknowledged more than 250 ms before");
            assertEquals(0, store.count(Op.LIST), store.summary());
        }
    }

    @Test
    void anEventualReadSeesTheInstancesOwnWrites() {
        NamespaceService b = instance(ReadPolicy.DEFAULTS.withConsistency(Consistency.EVENTUAL));
        b.upsert("docs", one("a"));
        assertEquals(List.of("a"), ids(b.query("docs", ALL)));
        b.upsert("docs", one("b"));
        assertEquals(List.of("a", "b"), ids(b.query("docs", ALL)), "no clock moved, yet the own write is there");
        store.reset();
        b.query("docs", ALL);
        assertEquals(0, store.total(), "then answered from the state again: " + store.summary());
    }

    @Test
    void aDeleteIsSeenByAStrongReadOnAnotherInstanceAtOnceAndARecreationToo() {
        NamespaceService a = instance();
        NamespaceService b = instance();
        a.upsert("docs", one("old"));
        assertEquals(List.of("old"), ids(b.query("docs", ALL)));
        a.delete("docs");
        store.reset();
        assertThrows(NamespaceNotFoundException.class, () -> b.query("docs", ALL));
        assertThrows(NamespaceNotFoundException.class, () -> b.reads().get("docs", "old"));
        a.upsert("docs", one("new"));
        assertEquals(List.of("new"), ids(b.query("docs", ALL)), "another incarnation, read from its own log");
        assertEquals(1, b.query("docs", ALL).version());

        // a write that raced the delete on another instance is refused, never acknowledged into the closed log
        NamespaceService c = instance();
        c.upsert("docs", one("c"));
        DurableNamespace stale = c.store().open("docs").orElseThrow();
        a.delete("docs");
        assertThrows(
                NamespaceNotFoundException.class,
                () -> stale.append(List.of(dev.abi.store.Operation.upsert("late", new float[] {1, 1}, Map.of()))));
    }

    @Test
    void aDeleteKeepsTheLogSlotsForAGracePeriodThenTheyAreSwept() {
        NamespaceService a = instance();
        for (int i = 0; i < 3; i++) {
            a.upsert("docs", one("v" + i));
        }
        String root = a.store().open("docs").orElseThrow().root();
        a.delete("docs");
        List<String> left = memory.list(root).stream().map(ObjectInfo::key).toList();
        assertEquals(4, left.size(), "three writes and the delete that closed the log: " + left);
        assertTrue(left.stream().allMatch(k -> k.startsWith(root + "log/")), left.toString());
        LogEntry closing = new CommitLogProbe(memory, root).entry(4);
        assertEquals(LogEntry.Kind.DELETE, closing.kind());

        a.create("docs", 2, Metric.L2); // sweeps nothing yet: the delete is younger than the grace period
        assertEquals(4, memory.list(root).size());
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        a.delete("docs");
        assertTrue(memory.list(root).isEmpty(), "swept after the grace period");
        assertTrue(memory.list("closed-logs/").stream().noneMatch(o -> o.key().contains(root.split("/")[2])));
    }

    @Test
    void aDeleteThatCrashedAfterClosingTheLogIsFinishedByTheNextCreateOrUpsert() {
        NamespaceService a = instance();
        a.upsert("docs", one("old"));
        a.store().open("docs").orElseThrow().log().close(); // the delete's first step, then the process died
        NamespaceService b = instance();
        assertThrows(NamespaceNotFoundException.class, () -> b.query("docs", ALL));
        assertThrows(NamespaceNotFoundException.class, () -> a.query("docs", ALL));
        assertEquals(1, b.upsert("docs", one("new")).version(), "the upsert finished the delete and created anew");
        assertEquals(List.of("new"), ids(a.query("docs", ALL)));
    }

    @Test
    void aDeleteThatCrashedBeforeRemovingTheConfigKeepsItsLogThroughSweeps() {
        NamespaceService a = instance();
        a.upsert("docs", one("old"));
        a.upsert("other", one("x"));
        String root = a.store().open("docs").orElseThrow().root();
        FaultyObjectStore crashing =
                new FaultyObjectStore(store, 5).crashAfter(FaultyObjectStore.op(Op.PUT_IF_ABSENT, "closed-logs/"), 1);
        NamespaceService dying = new NamespaceService(
                new NamespaceStore(crashing, new ObjectMetadataStore(crashing, clock), clock, OPTIONS), Runnable::run);
        assertThrows(FaultyObjectStore.SimulatedCrash.class, () -> dying.delete("docs"));
        assertTrue(memory.get(NamespaceConfig.key("docs")).isPresent(), "the crash left the config");
        clock.advance(Duration.ofHours(2));
        a.delete("other"); // sweeps: the crashed delete's mark is old, but the config still names its incarnation
        assertEquals(2, memory.list(root + "log/").size(), "the write and the delete entry are kept");
        assertThrows(NamespaceNotFoundException.class, () -> a.query("docs", ALL));
        assertEquals(1, a.upsert("docs", one("new")).version(), "finishes the delete, then creates");
        clock.advance(Duration.ofHours(2));
        a.delete("docs");
        assertTrue(memory.list(root).isEmpty(), "the first incarnation is swept once its delete finished");
    }

    @Test
    void aRestoreOnOneInstanceIsSeenByAStrongReadOnAnotherAtOnce() {
        NamespaceService a = instance();
        NamespaceService b = instance();
        a.upsert("docs", one("v1"));
        a.upsert("docs", one("v2"));
        a.history().snapshot("docs", "tagged", null); // a tag is not a commit: reads are unaffected
        assertEquals(List.of("v1", "v2"), ids(b.query("docs", ALL)));
        store.reset();
        assertEquals(List.of("v1", "v2"), ids(b.query("docs", ALL)));
        assertEquals(1, store.total(), store.summary());
        NamespaceService.RestoreResult r = a.restoreToVersion("docs", 1);
        QueryResult after = b.query("docs", ALL);
        assertEquals(r.version(), after.version());
        assertEquals(List.of("v1"), ids(after));
    }

    @Test
    void anIdleInstanceWhoseNextSlotWasCollectedListsTheLogInstead() {
        NamespaceStore.Options folding =
                new NamespaceStore.Options(Duration.ofHours(2), Duration.ofHours(1), 4, 2, Duration.ofSeconds(30));
        // asks for a full check only every ten hours: capped at half the grace period, which GC's safety needs
        NamespaceService b =
                instance(new ReadPolicy(Consistency.STRONG, Duration.ofMillis(250), Duration.ofHours(10)), folding);
        NamespaceService a = instance(ReadPolicy.DEFAULTS, folding);
        a.upsert("docs", one("v0"));
        assertEquals(1, b.query("docs", ALL).version());
        for (int i = 1; i < 30; i++) {
            a.upsert("docs", one("v" + i));
        }
        a.compact("docs");
        clock.advance(Duration.ofHours(4)); // past retention and grace: the early slots are garbage
        a.upsert("docs", one("v30"));
        a.compact("docs");
        assertTrue(a.collectGarbage("docs") > 0);
        String root = a.store().open("docs").orElseThrow().root();
        assertTrue(
                memory.get(a.store().open("docs").orElseThrow().log().logKey(2)).isEmpty(),
                "slot 2, the one after b's state, was collected: "
                        + memory.list(root + "log/").size() + " left");

        store.reset();
        QueryResult r = b.query("docs", ALL);
        assertEquals(31, r.version(), "b did not stop at its state although the slot after it is gone");
        assertEquals(31, r.matches().size());
        assertTrue(store.count(Op.LIST) > 0, "a full check: " + store.summary());
        store.reset();
        b.query("docs", ALL);
        assertEquals(1, store.total(), "then one GET again: " + store.summary());
    }

    @Test
    void aLostSlotIsFoundByTheNextFullCheckAndHoldsWrites() {
        NamespaceService a = instance();
        NamespaceService b = instance();
        a.upsert("docs", one("v1"));
        assertEquals(1, b.query("docs", ALL).version());
        for (int i = 2; i <= 5; i++) {
            a.upsert("docs", one("v" + i));
        }
        String lost = a.store().open("docs").orElseThrow().log().logKey(2);
        memory.delete(lost); // the store lost an acknowledged slot: not a state the protocol makes
        assertEquals(1, b.query("docs", ALL).version(), "a probe cannot tell a lost slot from the head");
        clock.advance(ReadPolicy.DEFAULTS.fullCheckEvery().plusMillis(1));
        CorruptObjectException e = assertThrows(CorruptObjectException.class, () -> b.query("docs", ALL));
        assertEquals(lost, e.key(), "the full check lists the log and finds the gap");
        assertThrows(WritesHeldException.class, () -> a.upsert("docs", one("v6")));
    }

    /** Reads a log entry of a deleted incarnation (its config is gone, so no handle opens it). */
    private record CommitLogProbe(InMemoryObjectStore objects, String root) {
        LogEntry entry(long seq) {
            return new dev.abi.store.CommitLog(
                            objects, root, "probe", java.time.Clock.systemUTC(), Duration.ofMinutes(30), 0)
                    .entry(seq)
                    .orElseThrow();
        }
    }
}
