package dev.abi.vector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The writes an {@link HnswIndex} takes while a background rebuild copies its live nodes, to replay onto the new
 * graph just before it replaces the old one.
 *
 * <p>Writers hold the journal's read side from before they change the graph until after they have recorded the
 * change ({@link #beginWrite()}, {@link #endWrite()}); {@link #open()} and {@link #drain} take the write side. So a
 * write that runs while a rebuild starts lands in the rebuild's snapshot or in the journal, and one that runs while
 * the new graph is swapped in waits and then lands in the new graph. Outside a rebuild nothing is recorded, and a
 * writer copies nothing ({@link #recording()}).
 */
final class RebuildJournal {

    /** One write since the rebuild's snapshot. */
    sealed interface Change permits Upsert, Delete {}

    /** An insert or replacement of {@code vector.id()}. */
    record Upsert(StoredVector vector) implements Change {}

    /** A delete of {@code id}. */
    record Delete(String id) implements Change {}

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** The changes since the snapshot; null when no rebuild runs. Added to under the read side (by many writers). */
    private volatile List<Change> changes;

    /** Before a write changes the graph. */
    void beginWrite() {
        lock.readLock().lock();
    }

    /** After the write has changed the graph and recorded the change. */
    void endWrite() {
        lock.readLock().unlock();
    }

    /** Whether a rebuild is recording: a writer need only copy what it records then. */
    boolean recording() {
        return changes != null;
    }

    void upserted(StoredVector vector) {
        List<Change> c = changes;
        if (c != null) {
            c.add(new Upsert(vector));
        }
    }

    void deleted(String id) {
        List<Change> c = changes;
        if (c != null) {
            c.add(new Delete(id));
        }
    }

    /** Starts recording; waits for the writes in flight, so each is in the snapshot taken next or in the journal. */
    void open() {
        List<Change> fresh = Collections.synchronizedList(new ArrayList<>());
        lock.writeLock().lock();
        try {
            changes = fresh;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * With no write in flight, hands the recorded changes, oldest first, to {@code swap} (which replays them onto the
     * new graph and installs it), then stops recording. Writers resume once it returns, against the new graph.
     */
    void drain(Consumer<List<Change>> swap) {
        lock.writeLock().lock();
        try {
            swap.accept(List.copyOf(changes));
        } finally {
            changes = null;
            lock.writeLock().unlock();
        }
    }

    /** Stops recording without replaying (the rebuild failed; the old graph stays). */
    void abandon() {
        lock.writeLock().lock();
        try {
            changes = null;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
