package dev.abi.store;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Who folds a namespace's log into segments. A lease only keeps indexers from duplicating work; safety comes from
 * the fencing epoch it hands out: manifests carry it, and a manifest version is created only if absent, so an
 * indexer of an older epoch can leave orphan files but never commit over a newer one.
 */
public interface IndexerLease {

    /**
     * Takes the lease if it is free, expired, or already ours.
     *
     * @param minEpoch the lowest epoch a new holder may get: one above the newest manifest's, so that a lease store
     *     that lost its state (a deleted table) never hands out an epoch the manifests have already fenced off
     * @return the fencing epoch (a new, higher one on every change of holder), or empty when another holder has it
     */
    OptionalLong tryAcquire(String namespaceRoot, String owner, Duration ttl, long minEpoch);

    /** Gives the lease up early if {@code owner} holds it at {@code epoch}; otherwise does nothing. */
    void release(String namespaceRoot, String owner, long epoch);
}
