package dev.abi.namespace;

import static dev.abi.store.FaultyObjectStore.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.FaultyObjectStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.ObjectStore;
import dev.abi.store.StoredObject;
import dev.abi.vector.Metric;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A namespace config that vanished while its data stayed: no new, empty incarnation is started over that data. */
class LostConfigTest {

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore memory = new InMemoryObjectStore(clock);

    private NamespaceService instance(ObjectStore objects) {
        return new NamespaceService(
                new NamespaceStore(
                        objects,
                        new ObjectMetadataStore(objects, clock),
                        clock,
                        new NamespaceStore.Options(
                                Duration.ofDays(1), Duration.ofHours(1), 4, 8, Duration.ofSeconds(30))),
                Runnable::run);
    }

    private static List<VectorRecord> one(String id) {
        return List.of(new VectorRecord(id, new float[] {1, 2}, Map.of()));
    }

    @Test
    void aDeletedConfigIsRefusedNamingTheNamespaceAndTheDataIsIntact() {
        NamespaceService s = instance(memory);
        for (int i = 0; i < 10; i++) {
            s.upsert("docs", one("v" + i));
        }
        String root = s.store().open("docs").orElseThrow().root();
        StoredObject config = memory.get(NamespaceConfig.key("docs")).orElseThrow();
        memory.delete(NamespaceConfig.key("docs"));

        for (NamespaceService any : List.of(s, instance(memory))) {
            LeftoverDataException e = assertThrows(LeftoverDataException.class, () -> any.upsert("docs", one("new")));
            assertEquals("docs", e.namespace());
            assertEquals(root, e.root());
            assertTrue(e.getMessage().contains("runbooks/repair.md"), e.getMessage());
            assertThrows(LeftoverDataException.class, () -> any.create("docs", 2, Metric.L2));
        }
        assertTrue(memory.get(NamespaceConfig.key("docs")).isEmpty(), "no new incarnation was started");

        memory.putIfAbsent(NamespaceConfig.key("docs"), config.bytes()); // the runbook: the config comes back
        NamespaceService fresh = instance(memory);
        assertEquals(10, fresh.describe("docs").count());
        assertEquals(11, fresh.upsert("docs", one("v10")).version());
    }

    @Test
    void foldedDataWithoutLogEntriesStillCounts() {
        NamespaceService s = instance(memory);
        for (int i = 0; i < 6; i++) {
            s.upsert("docs", one("v" + i));
        }
        s.compact("docs");
        String root = s.store().open("docs").orElseThrow().root();
        memory.list(root + "log/").forEach(o -> memory.delete(o.key())); // as GC leaves an idle namespace
        memory.delete(NamespaceConfig.key("docs"));
        assertThrows(LeftoverDataException.class, () -> s.upsert("docs", one("new")));
    }

    @Test
    void aNamespaceDeletedThroughTheApiCanBeCreatedAgainEvenIfItsCleanupCrashed() {
        NamespaceService s = instance(memory);
        for (int i = 0; i < 5; i++) {
            s.upsert("docs", one("v" + i));
        }
        String oldRoot = s.store().open("docs").orElseThrow().root();
        FaultyObjectStore crashing =
                new FaultyObjectStore(memory, 1).crashAfter(op(FaultyObjectStore.Op.DELETE, oldRoot), 1);
        assertThrows(
                FaultyObjectStore.SimulatedCrash.class, () -> instance(crashing).delete("docs"));
        assertTrue(memory.list(oldRoot + "log/").size() > 0, "the crash left data behind");

        assertEquals(1, s.upsert("docs", one("fresh")).version());
        assertNotEquals(oldRoot, s.store().open("docs").orElseThrow().root());
        assertEquals(1, instance(memory).describe("docs").count());
    }

    @Test
    void anIncarnationThatNeverCommittedDoesNotBlock() {
        NamespaceStore store = instance(memory).store();
        store.create("docs", 2, Metric.L2); // the winner of a creation race, deleted below without the API
        memory.delete(NamespaceConfig.key("docs"));
        assertEquals(1, instance(memory).upsert("docs", one("a")).version(), "nothing was ever committed there");
    }
}
