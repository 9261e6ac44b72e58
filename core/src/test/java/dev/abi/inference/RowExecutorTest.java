package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The row executor: every row done once per call, by threads it owns, failures and nested calls handled. */
class RowExecutorTest {

    @Test
    void everyRowIsDoneExactlyOncePerCallOnTheExecutorsThreads() {
        try (RowExecutor e = RowExecutor.of(3)) {
            for (int rows : new int[] {1, 31, 32, 33, 100, 1000, 4097}) {
                for (int call = 0; call < 50; call++) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(rows);
                    ConcurrentHashMap<Integer, Boolean> workers = new ConcurrentHashMap<>();
                    e.run(rows, 16, (from, to, worker) -> {
                        assertTrue(worker >= 0 && worker < 3, "worker " + worker);
                        workers.put(worker, true);
                        for (int r = from; r < to; r++) {
                            seen.incrementAndGet(r);
                        }
                    });
                    for (int r = 0; r < rows; r++) {
                        assertEquals(1, seen.get(r), "row " + r + " of " + rows);
                    }
                }
            }
        }
    }

    @Test
    void aWorkersFailureReachesTheCallerAndTheExecutorStaysUsable() {
        try (RowExecutor e = RowExecutor.of(2)) {
            IllegalStateException planted = new IllegalStateException("planted");
            for (int i = 0; i < 20; i++) {
                CountDownLatch workerTook = new CountDownLatch(1);
                IllegalStateException thrown = assertThrows(
                        IllegalStateException.class,
                        () -> e.run(1000, 16, (from, to, worker) -> {
                            if (worker != 0) {
                                workerTook.countDown();
                                throw planted; // only the other thread fails
                            }
                            // the caller holds its first chunk until the worker has taken one
                            awaitWithHangGuard(workerTook);
                        }));
                assertSame(planted, thrown);
                assertEquals(0, workerTook.getCount(), "the worker took a chunk");
            }
            int[] sum = new int[1];
            e.run(10, 16, (from, to, worker) -> sum[0] += to - from); // below two chunks: on the caller
            assertEquals(10, sum[0]);
            AtomicIntegerArray seen = new AtomicIntegerArray(1000);
            e.run(1000, 16, (from, to, worker) -> {
                for (int r = from; r < to; r++) {
                    seen.incrementAndGet(r);
                }
            });
            for (int r = 0; r < 1000; r++) {
                assertEquals(1, seen.get(r), "row " + r);
            }
        }
    }

    @Test
    void aCallFromInsideATaskRunsOnItsOwnThread() {
        try (RowExecutor e = RowExecutor.of(2)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(64 * 64);
            e.run(64, 1, (from, to, worker) -> {
                for (int r = from; r < to; r++) {
                    int outer = r;
                    e.run(64, 1, (f2, t2, w2) -> {
                        assertEquals(worker, w2, "the nested rows run on the outer task's thread");
                        for (int c = f2; c < t2; c++) {
                            seen.incrementAndGet(outer * 64 + c);
                        }
                    });
                }
            });
            for (int i = 0; i < 64 * 64; i++) {
                assertEquals(1, seen.get(i), "cell " + i);
            }
        }
    }

    @Test
    void concurrentCallersEachGetAllTheirRows() throws Exception {
        try (RowExecutor e = RowExecutor.of(2)) {
            Thread[] callers = new Thread[3];
            Throwable[] failures = new Throwable[callers.length];
            for (int i = 0; i < callers.length; i++) {
                int id = i;
                callers[i] = new Thread(() -> {
                    try {
                        for (int call = 0; call < 200; call++) {
                            AtomicIntegerArray seen = new AtomicIntegerArray(500);
                            e.run(500, 16, (from, to, worker) -> {
                                for (int r = from; r < to; r++) {
                                    seen.incrementAndGet(r);
                                }
                            });
                            for (int r = 0; r < 500; r++) {
                                assertEquals(1, seen.get(r), "row " + r);
                            }
                        }
                    } catch (Throwable t) {
                        failures[id] = t;
                    }
                });
                callers[i].start();
            }
            for (Thread t : callers) {
                t.join();
            }
            for (Throwable f : failures) {
                if (f != null) {
                    throw new AssertionError(f);
                }
            }
        }
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> RowExecutor.of(0));
    }

    /** Waits for the latch; the bound only turns a hang into a failure, it measures nothing. */
    private static void awaitWithHangGuard(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.MINUTES)) {
                throw new AssertionError("hang guard: the latch was never released");
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ie);
        }
    }
}
