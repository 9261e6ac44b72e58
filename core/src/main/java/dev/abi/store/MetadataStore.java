package dev.abi.store;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The metadata store: a cache and coordinator beside the object store, never a source of truth. Deleting it loses
 * no data: leases are taken again with higher epochs, head hints are rebuilt from the log, and a lost idempotency
 * record only means a retried request is applied again (upserts and deletes are idempotent).
 * {@link ObjectMetadataStore} keeps it in the object store; adapters offer DynamoDB.
 */
public interface MetadataStore extends IndexerLease {

    /** A seq known to be committed in this namespace (a floor for finding the head), if any. */
    OptionalLong headHint(String namespaceRoot);

    /** Raises the hint to {@code seq}; never lowers it. Best effort. */
    void advanceHeadHint(String namespaceRoot, long seq);

    /** The result recorded for an idempotency key that has not expired, if any (an in-progress claim is not one). */
    Optional<byte[]> idempotentResult(String key);

    /**
     * Claims an idempotency key before its request runs, atomically (a conditional write): when no live record
     * exists, writes an in-progress marker that lives for {@code claimTtl} and answers {@link
     * IdempotencyClaim.State#CLAIMED}; otherwise answers what is there (in progress, or completed with its result).
     * Two concurrent retries of one request therefore apply once: the second sees {@code IN_PROGRESS}.
     */
    IdempotencyClaim claimIdempotencyKey(String key, Duration claimTtl);

    /**
     * Records the finished result for {@code key}, kept for {@code ttl}: it replaces the caller's claim (or creates
     * the record), but never a result another attempt recorded first.
     */
    void recordIdempotentResult(String key, byte[] result, Duration ttl);

    /** Gives up the caller's claim (the request failed), so that a retry may run it. */
    void releaseIdempotencyKey(String key);

    /**
     * Deletes the idempotency records whose time has passed, for stores with no expiry of their own; answers how
     * many it deleted. The default does nothing (DynamoDB expires items by its TTL attribute).
     */
    default int collectExpiredIdempotencyRecords() {
        return 0;
    }
}
