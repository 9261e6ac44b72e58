package dev.abi.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.LogEntry;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One unreadable log entry or WAL object: writes are held, and a repair quarantines it and keeps every later write. */
class CorruptHeadRepairTest {

    private static final NamespaceStore.Options NO_AUTO_FOLD =
            new NamespaceStore.Options(Duration.ofDays(1), Duration.ofHours(1), 100_000, 8, Duration.ofSeconds(30));

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore memory = new InMemoryObjectStore(clock);

    private NamespaceService instance(NamespaceStore.Options options) {
        return new NamespaceService(
                new NamespaceStore(memory, new ObjectMetadataStore(memory, clock), clock, options), Runnable::run);
    }

    private NamespaceService instance() {
        return instance(NO_AUTO_FOLD);
    }

    /** Batch {@code i} upserts the one vector {@code b<i>}; it commits version {@code i} of a fresh namespace. */
    private static List<VectorRecord> batch(int i) {
        return List.of(new VectorRecord("b" + i, new float[] {i, 1}, Map.of()));
    }

    private LogEntry entry(NamespaceService s, long seq) {
        return s.store().open("docs").orElseThrow().log().entry(seq).orElseThrow();
    }

    private static String logKey(NamespaceService s, long seq) {
        return s.store().open("docs").orElseThrow().log().logKey(seq);
    }

    private byte[] flipByte(String key) {
        StoredObject o = memory.get(key).orElseThrow();
        byte[] flipped = o.bytes().clone();
        flipped[flipped.length / 2] ^= 0x10;
        memory.putIfMatch(key, flipped, o.etag());
        return flipped;
    }

    private void assertHeldAt(NamespaceService s, long seq, String key) {
        WritesHeldException held = assertThrows(WritesHeldException.class, () -> s.upsert("docs", batch(999)));
        assertEquals(seq, held.seq());
        assertEquals(key, held.key());
        assertTrue(held.getMessage().contains("repair"), held.getMessage());
    }

    @Test
    void aCorruptWalHoldsWritesAndARepairKeepsEveryLaterAcknowledgedWrite() {
        NamespaceService writer = instance();
        for (int i = 1; i <= 10; i++) {
            assertEquals(i, writer.upsert("docs", batch(i)).version());
        }
        assertEquals(10, writer.describe("docs").count(), "the writer caches a state that holds batch 5");
        String wal = entry(writer, 5).walKey();
        byte[] flipped = flipByte(wal);
        for (int i = 11; i <= 45; i++) { // acknowledged before anyone reads: intact, and must survive the repair
            assertEquals(i, writer.upsert("docs", batch(i)).version());
        }

        NamespaceService reader = instance();
        CorruptObjectException unreadable = assertThrows(CorruptObjectException.class, () -> reader.get("docs", "b1"));
        assertEquals(wal, unreadable.key());
        assertEquals(5, unreadable.seq().orElseThrow());

        assertHeldAt(writer, 5, wal);
        assertHeldAt(reader, 5, wal);
        assertThrows(WritesHeldException.class, () -> reader.deleteVectors("docs", List.of("b1")));
        assertThrows(WritesHeldException.class, () -> reader.restoreToVersion("docs", 4));
        assertEquals(45, entry(reader, 45).seq(), "nothing was committed while held");
        assertTrue(memory.get(logKey(reader, 46)).isEmpty());

        NamespaceService.RepairResult r = instance().repair("docs", 5, false);
        assertTrue(r.replaced());
        assertNull(r.headProblem(), "the head is readable after the repair");
        assertEquals(2, r.quarantined().size(), r.quarantined().toString());
        String root = reader.store().open("docs").orElseThrow().root();
        assertTrue(
                r.quarantined().stream().allMatch(k -> k.startsWith(root + "quarantine/")),
                r.quarantined().toString());
        assertArrayEquals(
                flipped, memory.get(r.quarantined().get(1)).orElseThrow().bytes(), "the WAL, as stored");
        String reasonKey = r.quarantined().get(0).replace("log.json", "reason.json");
        String reason = new String(memory.get(reasonKey).orElseThrow().bytes(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("\"kind\":\"write\"") && reason.contains(wal), reason);

        for (NamespaceService s : List.of(reader, writer, instance())) {
            for (int i = 1; i <= 45; i++) {
                if (i == 5) {
                    int n = i;
                    assertThrows(
                            VectorNotFoundException.class,
                            () -> s.get("docs", "b" + n),
                            "the quarantined batch is gone everywhere, the writer's cached state included");
                } else {
                    assertEquals(i, s.get("docs", "b" + i).values()[0]);
                }
            }
        }
        LogEntry rebuild = entry(reader, 46);
        assertEquals(
                LogEntry.Kind.RESTORE,
                rebuild.kind(),
                "the repair commits a restore to the head, which tells"
                        + " every instance (reading only the log) to rebuild");
        assertEquals(45, rebuild.restoreTo());
        assertEquals(47, writer.upsert("docs", batch(46)).version(), "writes are accepted again");
        assertEquals(45, instance().describe("docs").count());
        NamespaceService.VersionInfo v5 = reader.versions("docs", 100, 6L).get(0);
        assertEquals(5, v5.version());
        assertEquals(0, v5.ops(), "the slot holds an empty write now");
    }

    @Test
    void aCorruptLogObjectIsReplacedWithACommitTimeBetweenItsNeighbours() {
        NamespaceService writer = instance();
        for (int i = 1; i <= 40; i++) {
            writer.upsert("docs", batch(i));
            clock.advance(Duration.ofSeconds(1));
        }
        long before = entry(writer, 6).commitTs();
        String logKey = logKey(writer, 6);
        flipByte(logKey);
        NamespaceService reader = instance();
        assertEquals(
                logKey,
                assertThrows(CorruptObjectException.class, () -> reader.describe("docs"))
                        .key());
        assertHeldAt(writer, 6, logKey);

        assertNull(reader.repair("docs", 6, false).headProblem());
        LogEntry replaced = entry(reader, 6);
        assertTrue(
                replaced.commitTs() > entry(reader, 5).commitTs() && replaced.commitTs() < before + 1000,
                "commit times still increase: " + replaced.commitTs());
        NamespaceService fresh = instance();
        assertEquals(39, fresh.describe("docs").count());
        for (int i = 7; i <= 40; i++) {
            assertEquals(i, fresh.get("docs", "b" + i).values()[0]);
        }
        assertEquals(42, reader.upsert("docs", batch(41)).version(), "after the repair's restore to the head (41)");
    }

    @Test
    void aMissingLogSlotIsFilled() {
        NamespaceService writer = instance();
        for (int i = 1; i <= 35; i++) {
            writer.upsert("docs", batch(i));
        }
        String logKey = logKey(writer, 3);
        memory.delete(logKey);
        NamespaceService reader = instance();
        assertEquals(
                logKey,
                assertThrows(CorruptObjectException.class, () -> reader.get("docs", "b4"))
                        .key());
        assertHeldAt(reader, 3, logKey);
        NamespaceService.RepairResult r = reader.repair("docs", 3, false);
        assertEquals(List.of(), r.quarantined(), "nothing was there to copy");
        assertEquals(34, instance().describe("docs").count());
        assertEquals(35, instance().get("docs", "b35").values()[0]);
    }

    @Test
    void aFoldOnAWriteOnlyInstanceFindsTheCorruptionAndHoldsWrites() {
        NamespaceService first = instance();
        for (int i = 1; i <= 3; i++) {
            first.upsert("docs", batch(i));
        }
        String wal = entry(first, 2).walKey();
        flipByte(wal);
        NamespaceService writeOnly = instance(
                new NamespaceStore.Options(Duration.ofDays(1), Duration.ofHours(1), 4, 8, Duration.ofSeconds(30)));
        assertEquals(4, writeOnly.upsert("docs", batch(4)).version(), "acknowledged; its fold meets version 2");
        assertHeldAt(writeOnly, 2, wal);
        assertHeldAt(first, 2, wal);
    }

    @Test
    void aRepairOfAReadableEntryIsRefusedUnlessForced() {
        NamespaceService s = instance();
        for (int i = 1; i <= 5; i++) {
            s.upsert("docs", batch(i));
        }
        RepairRefusedException refused = assertThrows(RepairRefusedException.class, () -> s.repair("docs", 3, false));
        assertTrue(refused.getMessage().contains("readable"), refused.getMessage());
        assertThrows(VersionNotFoundException.class, () -> s.repair("docs", 0, false));
        assertThrows(VersionNotFoundException.class, () -> s.repair("docs", 6, true));
        assertEquals(5, s.describe("docs").count(), "nothing changed");
        NamespaceService cached = instance();
        assertEquals(3, cached.get("docs", "b3").values()[0]);

        assertNull(s.repair("docs", 3, true).headProblem());
        assertThrows(VectorNotFoundException.class, () -> s.get("docs", "b3"));
        assertThrows(VectorNotFoundException.class, () -> cached.get("docs", "b3"), "no instance keeps a stale state");
        assertThrows(VectorNotFoundException.class, () -> instance().get("docs", "b3"));

        s.fold("docs");
        assertThrows(
                RepairRefusedException.class,
                () -> s.repair("docs", 4, true),
                "folded into segments: a quarantine would not take it out of the head");
    }

    @Test
    void anEntryRestoredFromBucketVersioningOnlyLiftsTheHold() {
        NamespaceService writer = instance();
        for (int i = 1; i <= 4; i++) {
            writer.upsert("docs", batch(i));
        }
        String wal = entry(writer, 3).walKey();
        StoredObject original = memory.get(wal).orElseThrow();
        flipByte(wal);
        assertThrows(CorruptObjectException.class, () -> instance().describe("docs"));
        assertHeldAt(writer, 3, wal);

        StoredObject damaged = memory.get(wal).orElseThrow();
        memory.putIfMatch(wal, original.bytes(), damaged.etag()); // the operator restores the previous version
        NamespaceService.RepairResult r = writer.repair("docs", 3, false);
        assertEquals(false, r.replaced());
        assertEquals(List.of(), r.quarantined());
        assertNull(r.headProblem());
        assertEquals(3, instance().get("docs", "b3").values()[0], "nothing was dropped");
        assertEquals(5, writer.upsert("docs", batch(5)).version());
        assertThrows(RepairRefusedException.class, () -> writer.repair("docs", 3, false), "no hold any more");
    }
}
