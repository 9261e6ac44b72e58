package dev.abi.inference;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits the rows of a matrix product over a fixed set of threads: the calling thread and {@code threads - 1}
 * daemon workers started once. A call hands every thread the same {@link RowTask}, and the threads claim chunks of
 * rows from a shared counter until none is left, so a thread slowed by a neighbour on a shared machine takes fewer
 * chunks. Nothing is allocated per call: the task is an object its caller reuses (a session's), and the workers wait
 * for the next call parked.
 *
 * <p>One call runs at a time. A second caller arriving while the threads are busy (another session on the same
 * model) does its rows alone on its own thread rather than wait; the results are the same either way, since every
 * row is computed by the same kernel whichever thread runs it.
 *
 * <p>{@link #defaultExecutor()} is the one a model uses when its builder was given none (threads from the system
 * property {@value #THREADS_PROPERTY}, else one per available processor).
 */
public final class RowExecutor implements AutoCloseable {

    /** System property with the default executor's thread count. */
    public static final String THREADS_PROPERTY = "abi.inference.threads";

    /** Work for one call: rows {@code from} (inclusive) to {@code to}, on thread number {@code worker}. */
    @FunctionalInterface
    public interface RowTask {
        void rows(int from, int to, int worker);
    }

    private static volatile RowExecutor defaultExecutor;

    private final int threads;
    private final Thread[] workers;
    private final ReentrantLock busy = new ReentrantLock();
    /** The call's generation (high 32 bits) and its next unclaimed chunk (low 32 bits). */
    private final AtomicLong claims = new AtomicLong();
    /** Chunks of the current call finished. */
    private final AtomicInteger done = new AtomicInteger();

    // the call being run; written by the caller before the generation bump, read by workers after they see it
    private RowTask task;
    private int rowCount;
    private int chunkRows;
    private int chunkCount;
    private volatile int generation;
    private volatile Thread caller;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** Busy-wait iterations before a waiting thread parks: matrix products of one token follow each other closely. */
    private static final int SPINS = 2000;

    private RowExecutor(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            Thread t = new Thread(() -> work(id), "abi-inference-" + id);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** An executor of {@code threads} threads (the caller's included). Close it when done with it. */
    public static RowExecutor of(int threads) {
        return new RowExecutor(threads);
    }

    /** The executor of models built without one. */
    public static RowExecutor defaultExecutor() {
        RowExecutor e = defaultExecutor;
        if (e == null) {
            synchronized (RowExecutor.class) {
                e = defaultExecutor;
                if (e == null) {
                    e = new RowExecutor(Math.max(
                            1,
                            Integer.getInteger(
                                    THREADS_PROPERTY, Runtime.getRuntime().availableProcessors())));
                    defaultExecutor = e;
                }
            }
        }
        return e;
    }

    /**
     * Replaces the default executor by one of {@code threads} threads (for benchmarks and the CLI); models built
     * since with the default use the new one, the old one's threads end.
     */
    static synchronized void resetDefault(int threads) {
        synchronized (RowExecutor.class) {
            RowExecutor old = defaultExecutor;
            defaultExecutor = new RowExecutor(threads);
            if (old != null) {
                old.close();
            }
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over rows {@code 0..rows} in chunks of at least {@code minChunk} rows, on every thread, and
     * returns when all rows are done. Below two chunks' worth of rows, when another call holds the threads, or when
     * called from inside a task, the calling thread does all the rows itself (as its own worker number: 0 for a
     * thread not of this executor).
     */
    public void run(int rows, int minChunk, RowTask task) {
        if (threads == 1 || rows < 2 * minChunk || closed || busy.isHeldByCurrentThread() || !busy.tryLock()) {
            task.rows(0, rows, workerId());
            return;
        }
        try {
            int chunks = Math.min(threads * 4, rows / minChunk);
            int per = (rows + chunks - 1) / chunks;
            int g = generation + 1;
            this.task = task;
            this.rowCount = rows;
            this.chunkRows = per;
            this.chunkCount = (rows + per - 1) / per;
            failure = null;
            done.set(0);
            caller = Thread.currentThread();
            claims.set((long) g << 32);
            generation = g; // publishes the fields above
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            drain(0, g);
            // wait only for chunks other threads have claimed: a worker the OS has not scheduled yet holds nothing up
            int n = chunkCount;
            int spins = 0;
            while (done.get() < n) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            this.task = null;
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException r) {
                    throw r;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f);
            }
        } finally {
            busy.unlock();
        }
    }

    /**
     * The calling thread's worker number: its own when it is one of this executor's workers (a call from inside a
     * task, run inline, must not take another thread's scratch), else 0.
     */
    private int workerId() {
        Thread me = Thread.currentThread();
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] == me) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * Claims and runs chunks of call {@code g} until none is left. A claim is a compare-and-set on the call's
     * generation and next chunk together, so a thread that wakes late, after the call is over, claims nothing: the
     * fields it read may already be the next call's, and it never uses them. A call's fields are written only once
     * all chunks of the call before are done.
     */
    private void drain(int worker, int g) {
        RowTask t = task;
        int per = chunkRows;
        int n = chunkCount;
        int rows = rowCount;
        while (true) {
            long s = claims.get();
            int c = (int) s;
            if ((int) (s >>> 32) != g || c >= n) {
                return;
            }
            if (!claims.compareAndSet(s, s + 1)) {
                continue;
            }
            try {
                t.rows(c * per, Math.min(rows, (c + 1) * per), worker);
            } catch (Throwable e) {
                failure = e;
            } finally {
                if (done.incrementAndGet() == n && worker != 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private void work(int id) {
        int seen = 0;
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            drain(id, seen);
        }
    }

    /** Ends the worker threads; calls after this run on the caller's thread alone. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
