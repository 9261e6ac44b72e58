package dev.abi.gateway.ratelimit;

import java.util.Optional;

/**
 * Shared counters for rate limits, so that many short-lived instances enforce one limit: in memory on the local
 * server, in DynamoDB on AWS (conditional atomic updates). Every entry expires on its own.
 */
public interface CounterStore {

    /** A token bucket's state, with a version for compare-and-set. */
    record Bucket(double tokens, long updatedAtMillis, long version) {}

    /** Atomically adds {@code delta} to the counter (created at 0, expiring at {@code expiresAtMillis}); the new value. */
    long add(String key, long delta, long expiresAtMillis);

    /** The counter's value; 0 when absent or expired. */
    long get(String key);

    /** A bucket's state, if stored and not expired. */
    Optional<Bucket> bucket(String key);

    /**
     * Stores a bucket if the stored one still has {@code expectedVersion} (-1: if none is stored); the new state
     * carries {@code expectedVersion + 1}.
     *
     * @return false when another writer got there first
     */
    boolean putBucket(String key, double tokens, long updatedAtMillis, long expectedVersion, long expiresAtMillis);
}
