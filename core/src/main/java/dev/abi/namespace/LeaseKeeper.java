package dev.abi.namespace;

import dev.abi.store.IndexerLease;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps an indexer's lease alive while one fold runs, so the lease can be short (a dead holder is replaced soon)
 * without a live holder losing it in the middle of a long fold.
 *
 * <p>Once a third of the TTL has passed since the lease was last taken or renewed, by the injected clock, the next
 * {@link #renewIfDue} renews it. The fold calls it between its steps, and a heartbeat thread calls it every sixth
 * of the TTL (real time) for steps that take long on their own, such as building a graph. A renewal that finds
 * another holder, or a new epoch, marks the lease lost: the fold then stops before committing (fencing would refuse
 * its commit anyway; stopping early only saves the work).
 */
final class LeaseKeeper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

    private final IndexerLease lease;
    private final String root;
    private final String owner;
    private final Duration ttl;
    private final long epoch;
    private final Clock clock;
    private final Thread heartbeat;
    private long renewedAt;
    private volatile boolean lost;
    private volatile boolean closed;

    /** Keeps the lease {@code owner} took at {@code epoch}, just now by {@code clock}. */
    LeaseKeeper(IndexerLease lease, String root, String owner, Duration ttl, long epoch, Clock clock) {
        this.lease = lease;
        this.root = root;
        this.owner = owner;
        this.ttl = ttl;
        this.epoch = epoch;
        this.clock = clock;
        this.renewedAt = clock.millis();
        long periodNanos = Math.max(ttl.toNanos() / 6, TimeUnit.MILLISECONDS.toNanos(50));
        this.heartbeat = Thread.ofVirtual().name("abi-lease-heartbeat").start(() -> {
            while (!closed && !lost) {
                LockSupport.parkNanos(periodNanos);
                if (!closed) {
                    renewIfDue();
                }
            }
        });
    }

    /**
     * Renews the lease if a third of its TTL has passed since it was last renewed.
     *
     * @return whether the lease is still held at this fold's epoch
     */
    synchronized boolean renewIfDue() {
        if (lost) {
            return false;
        }
        long now = clock.millis();
        if (now - renewedAt < ttl.toMillis() / 3) {
            return true;
        }
        OptionalLong renewed;
        try {
            renewed = lease.tryAcquire(root, owner, ttl, epoch);
        } catch (RuntimeException unavailable) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "indexer lease of " + root + " not renewed (will retry): " + unavailable.getMessage());
            return true;
        }
        if (renewed.isPresent() && renewed.getAsLong() == epoch) {
            renewedAt = now;
            return true;
        }
        lost = true;
        if (renewed.isPresent()) {
            // it had expired and was taken over in between: this fold's epoch is stale, so do not keep the new one
            lease.release(root, owner, renewed.getAsLong());
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "indexer lease of " + root + " was lost at epoch " + epoch + "; the fold stops before committing");
        return false;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(heartbeat);
    }
}
