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

    /** The response recorded for an idempotency key that has not expired, if any. */
    Optional<byte[]> idempotentResult(String key);

    /** Records the response for an idempotency key, keeping the first one recorded. */
    void recordIdempotentResult(String key, byte[] result, Duration ttl);
}
