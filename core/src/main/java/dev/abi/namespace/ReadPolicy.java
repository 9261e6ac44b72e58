package dev.abi.namespace;

import java.time.Duration;
import java.util.Objects;

/**
 * How reads of a namespace's current state check it against the log (docs/storage.md, "Reads").
 *
 * @param consistency what a read that names none gets (a query body may name its own)
 * @param maxStaleness how long after this instance last checked its state an {@link Consistency#EVENTUAL} read may
 *     still be answered from it without a store call
 * @param fullCheckEvery how often an instance lists the log and reads the namespace config again instead of only
 *     probing the next log slot: it bounds how long a lost log slot or a change of config only (a repair's lifted
 *     hold, a recorded embedding model) goes unseen by reads. It is capped at half the GC grace period, so that no
 *     slot a probe relies on can have been collected.
 */
public record ReadPolicy(Consistency consistency, Duration maxStaleness, Duration fullCheckEvery) {

    /** Strong reads; eventual ones at most 250 ms stale; a full check every minute. */
    public static final ReadPolicy DEFAULTS =
            new ReadPolicy(Consistency.STRONG, Duration.ofMillis(250), Duration.ofMinutes(1));

    public ReadPolicy {
        Objects.requireNonNull(consistency, "consistency");
        if (maxStaleness == null || maxStaleness.isNegative()) {
            throw new IllegalArgumentException("maxStaleness must be zero or positive, got " + maxStaleness);
        }
        if (fullCheckEvery == null || fullCheckEvery.isNegative()) {
            throw new IllegalArgumentException("fullCheckEvery must be zero or positive, got " + fullCheckEvery);
        }
    }

    /** This policy with another default consistency. */
    public ReadPolicy withConsistency(Consistency c) {
        return new ReadPolicy(c, maxStaleness, fullCheckEvery);
    }

    /** This policy with another staleness bound for eventual reads. */
    public ReadPolicy withMaxStaleness(Duration d) {
        return new ReadPolicy(consistency, d, fullCheckEvery);
    }
}
