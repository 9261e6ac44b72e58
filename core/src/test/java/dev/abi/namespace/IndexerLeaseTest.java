package dev.abi.namespace;

import static dev.abi.store.FaultyObjectStore.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.FaultyObjectStore;
import dev.abi.store.FaultyObjectStore.Op;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.IndexerLease;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreLease;
import dev.abi.store.Operation;
import dev.abi.vector.Metric;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The indexer lease: short, so a dead holder is replaced soon, and renewed by a live holder while it folds. */
class IndexerLeaseTest {

    private static final Duration TTL = NamespaceStore.Options.DEFAULTS.leaseTtl();

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore memory = new InMemoryObjectStore(clock);

    private NamespaceStore instance(ObjectStore objects) {
        return new NamespaceStore(
                objects, new ObjectMetadataStore(objects, clock), clock, NamespaceStore.Options.DEFAULTS);
    }

    private DurableNamespace created() {
        instance(memory).create("docs", 2, Metric.L2);
        return write(1);
    }

    private DurableNamespace write(int i) {
        DurableNamespace ns = instance(memory).open("docs").orElseThrow();
        ns.append(List.of(Operation.upsert("v" + i, new float[] {i, 0}, Map.of())));
        return ns;
    }

    private Indexer.Outcome foldBy(NamespaceStore instance) {
        return instance.indexer().fold(instance.open("docs").orElseThrow()).outcome();
    }

    @Test
    void theDefaultLeaseIsShort() {
        assertTrue(TTL.compareTo(Duration.ofSeconds(30)) <= 0, "a dead holder blocks folds for " + TTL);
    }

    @Test
    void aSecondInstanceTakesOverADeadHoldersLeaseAfterTheTtlAndNotBefore() {
        created();
        NamespaceStore dead = instance(memory);
        assertEquals(Indexer.Outcome.COMMITTED, foldBy(dead)); // it takes the lease, folds, and then dies
        write(2);
        NamespaceStore next = instance(memory);

        clock.advance(TTL.minusMillis(1));
        assertEquals(Indexer.Outcome.LEASE_HELD, foldBy(next), "the lease is still the dead holder's");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Indexer.Outcome.COMMITTED, foldBy(next), "taken over once the TTL has passed");
        DurableNamespace ns = next.open("docs").orElseThrow();
        assertEquals(2, ns.manifests().newest().orElseThrow().epoch(), "under a new epoch");
        assertEquals(2, ns.manifests().newest().orElseThrow().appliedThroughSeq());
    }

    @Test
    void aLiveHolderRenewsItsLeaseWhileAFoldRuns() {
        created();
        long third = TTL.toMillis() / 3;
        // the fold spends two thirds of the TTL writing its segment
        FaultyObjectStore slow = new FaultyObjectStore(memory, 1)
                .before(op(Op.PUT_IF_ABSENT, "/seg/"), 1, c -> clock.advance(Duration.ofMillis(2 * third)));
        NamespaceStore holder = instance(slow);
        assertEquals(Indexer.Outcome.COMMITTED, foldBy(holder));
        write(2);

        clock.advance(Duration.ofMillis(2 * third)); // past the TTL counted from when the fold took the lease
        assertEquals(Indexer.Outcome.LEASE_HELD, foldBy(instance(memory)), "renewed before the commit");
        clock.advance(TTL.minusMillis(2 * third).plusMillis(1));
        assertEquals(Indexer.Outcome.COMMITTED, foldBy(instance(memory)), "a TTL after the renewal it is free");
    }

    @Test
    void aHolderThatLostItsLeaseMidFoldStopsBeforeCommitting() {
        created();
        NamespaceStore other = instance(memory);
        FaultyObjectStore stalled = new FaultyObjectStore(memory, 2).before(op(Op.PUT_IF_ABSENT, "/seg/"), 1, c -> {
            clock.advance(TTL.plusMillis(1)); // stalled past its TTL, meanwhile another instance takes over
            assertEquals(Indexer.Outcome.COMMITTED, foldBy(other));
        });
        NamespaceStore holder = instance(stalled);
        assertEquals(Indexer.Outcome.LEASE_LOST, foldBy(holder));
        DurableNamespace ns = other.open("docs").orElseThrow();
        assertEquals(2, ns.manifests().newest().orElseThrow().epoch(), "only the new holder committed");
        assertEquals(1, ns.manifests().newest().orElseThrow().version(), "its fold, and nothing of the old holder");
    }

    @Test
    void theHeartbeatRenewsDuringALongStepWithoutCheckpoints() throws Exception {
        Duration ttl = Duration.ofMillis(600); // a short TTL: the heartbeat polls every 100 ms of real time
        created();
        CountDownLatch renewed = new CountDownLatch(1);
        ObjectStoreLease real = new ObjectStoreLease(memory, clock);
        IndexerLease counting = new IndexerLease() {
            private int calls;

            @Override
            public synchronized OptionalLong tryAcquire(String root, String owner, Duration t, long minEpoch) {
                OptionalLong r = real.tryAcquire(root, owner, t, minEpoch);
                if (++calls == 2) {
                    renewed.countDown(); // the first call took the lease; the second is a renewal
                }
                return r;
            }

            @Override
            public void release(String root, String owner, long epoch) {
                real.release(root, owner, epoch);
            }
        };
        FaultyObjectStore longStep = new FaultyObjectStore(memory, 3).before(op(Op.PUT_IF_ABSENT, "/seg/"), 1, c -> {
            clock.advance(ttl.dividedBy(2)); // due for renewal; no checkpoint runs until this step returns
            try {
                assertTrue(renewed.await(30, TimeUnit.SECONDS), "the heartbeat renewed the lease");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        NamespaceStore holder = instance(longStep);
        Indexer indexer = new Indexer(counting, holder.writerId(), ttl, 8, clock);
        assertEquals(
                Indexer.Outcome.COMMITTED,
                indexer.fold(holder.open("docs").orElseThrow()).outcome());
        assertEquals(0, renewed.getCount());
    }
}
