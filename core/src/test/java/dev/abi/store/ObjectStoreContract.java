package dev.abi.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The one contract every {@link ObjectStore} passes: local disk and memory here, and each cloud store in its adapter
 * against its emulator. Subclasses supply the store; each test works under a fresh prefix.
 */
public abstract class ObjectStoreContract {

    protected abstract ObjectStore store();

    private final String prefix = "contract/" + UUID.randomUUID() + "/";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putIfAbsentCreatesOnceAndNeverOverwrites() {
        String key = prefix + "a.json";
        String etag = store().putIfAbsent(key, bytes("first"));
        PreconditionFailedException e =
                assertThrows(PreconditionFailedException.class, () -> store().putIfAbsent(key, bytes("second")));
        assertEquals(key, e.key());
        StoredObject o = store().get(key).orElseThrow();
        assertArrayEquals(bytes("first"), o.bytes());
        assertEquals(etag, o.etag());
    }

    @Test
    protected void putIfMatchSwapsOnlyOnTheCurrentEtag() {
        String key = prefix + "pointer.json";
        String v1 = store().putIfAbsent(key, bytes("v1"));
        String v2 = store().putIfMatch(key, bytes("v2"), v1);
        assertNotEquals(v1, v2);
        assertThrows(PreconditionFailedException.class, () -> store().putIfMatch(key, bytes("v3"), v1));
        assertArrayEquals(bytes("v2"), store().get(key).orElseThrow().bytes());
        assertThrows(
                PreconditionFailedException.class, () -> store().putIfMatch(prefix + "missing.json", bytes("x"), v2));
    }

    @Test
    void getRangeReadsPartsAndMissingIsTyped() {
        String key = prefix + "range.bin";
        store().putIfAbsent(key, bytes("0123456789"));
        assertArrayEquals(bytes("345"), store().getRange(key, 3, 3));
        assertArrayEquals(bytes("89"), store().getRange(key, 8, 10));
        assertThrows(ObjectNotFoundException.class, () -> store().getRange(prefix + "nope.bin", 0, 1));
        assertTrue(store().get(prefix + "nope.bin").isEmpty());
    }

    /** A range deep inside a multi-MiB object comes back byte for byte, and a range over the end is cut short. */
    @Test
    void getRangeOfALargeObjectReturnsExactlyThatRange() {
        String key = prefix + "large.bin";
        byte[] large = new byte[6 * 1024 * 1024 + 17];
        new java.util.Random(21).nextBytes(large);
        store().putIfAbsent(key, large);
        int offset = 5 * 1024 * 1024 + 3;
        assertArrayEquals(
                java.util.Arrays.copyOfRange(large, offset, offset + 100_000), store().getRange(key, offset, 100_000));
        assertArrayEquals(
                java.util.Arrays.copyOfRange(large, large.length - 10, large.length),
                store().getRange(key, large.length - 10, 4096));
        assertArrayEquals(java.util.Arrays.copyOfRange(large, 0, 1), store().getRange(key, 0, 1));
    }

    @Test
    void listIsSortedAndLimitedToThePrefix() {
        store().putIfAbsent(prefix + "b/2.bin", bytes("22"));
        store().putIfAbsent(prefix + "a/1.bin", bytes("1"));
        store().putIfAbsent(prefix + "b/1.bin", bytes("333"));
        List<ObjectInfo> b = store().list(prefix + "b/");
        assertEquals(
                List.of(prefix + "b/1.bin", prefix + "b/2.bin"),
                b.stream().map(ObjectInfo::key).toList());
        assertEquals(3, b.get(0).size());
        assertEquals(3, store().list(prefix).size());
    }

    @Test
    protected void deleteRemovesAndIgnoresMissing() {
        String key = prefix + "gone.bin";
        store().putIfAbsent(key, bytes("x"));
        store().delete(key);
        assertTrue(store().get(key).isEmpty());
        store().delete(key);
        store().putIfAbsent(key, bytes("again"));
        assertArrayEquals(bytes("again"), store().get(key).orElseThrow().bytes());
    }

    @Test
    protected void compareAndSwapLosesNoIncrement() throws Exception {
        String key = prefix + "counter.txt";
        store().putIfAbsent(key, bytes("0"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        while (true) {
                            StoredObject o = store().get(key).orElseThrow();
                            int n = Integer.parseInt(new String(o.bytes(), StandardCharsets.UTF_8));
                            try {
                                store().putIfMatch(key, bytes(Integer.toString(n + 1)), o.etag());
                                break;
                            } catch (PreconditionFailedException lost) {
                                // someone else incremented first: read again
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("20", new String(store().get(key).orElseThrow().bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void listingWhileOthersWriteNeverFails() throws Exception {
        String dir = prefix + "busy/";
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        store().putIfAbsent(dir + writer + "-" + i + ".bin", bytes("x" + i));
                    }
                }));
            }
            Future<Integer> lister = pool.submit(() -> {
                int lists = 0;
                do {
                    store().list(dir);
                    lists++;
                } while (!writers.stream().allMatch(Future::isDone));
                return lists;
            });
            for (Future<?> f : writers) {
                f.get();
            }
            assertTrue(lister.get() >= 1);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(160, store().list(dir).size());
    }

    /** The one primitive of DESIGN-STORAGE.md: of creates racing for one key, exactly one wins; the rest conflict. */
    @Test
    protected void racingCreatesHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String key = prefix + "race/" + round + ".json";
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> racers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    byte[] mine = bytes("racer-" + t);
                    racers.add(pool.submit(() -> {
                        go.await();
                        try {
                            store().putIfAbsent(key, mine);
                            return true;
                        } catch (PreconditionFailedException lost) {
                            return false;
                        }
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> f : racers) {
                    winners += f.get() ? 1 : 0;
                }
                assertEquals(1, winners, "creates racing for " + key);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
