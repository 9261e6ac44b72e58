package dev.abi.gateway.ratelimit;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** {@link CounterStore} in this instance's memory: the local server, and tests. */
public final class InMemoryCounterStore implements CounterStore {

    private record Entry(long value, double tokens, long updatedAt, long version, long expiresAt) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryCounterStore(Clock clock) {
        this.clock = clock;
    }

    private Entry live(String key) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAt() <= clock.millis()) {
            entries.remove(key, e);
            return null;
        }
        return e;
    }

    private final AtomicLong operations = new AtomicLong();

    /** Every 4096 updates, drops expired entries, so callers and windows that are gone do not pile up. */
    private void sweep(long now) {
        if ((operations.incrementAndGet() & 4095) == 0) {
            entries.entrySet().removeIf(e -> e.getValue().expiresAt() <= now);
        }
    }

    /** Entries held, expired ones included until the next sweep (for tests). */
    int size() {
        return entries.size();
    }

    @Override
    public long add(String key, long delta, long expiresAtMillis) {
        long now = clock.millis();
        sweep(now);
        return entries.compute(
                        key,
                        (k, e) -> e == null || e.expiresAt() <= now
                                ? new Entry(delta, 0, 0, 0, expiresAtMillis)
                                : new Entry(e.value() + delta, 0, 0, 0, e.expiresAt()))
                .value();
    }

    @Override
    public long get(String key) {
        Entry e = live(key);
        return e == null ? 0 : e.value();
    }

    @Override
    public Optional<Bucket> bucket(String key) {
        Entry e = live(key);
        return e == null ? Optional.empty() : Optional.of(new Bucket(e.tokens(), e.updatedAt(), e.version()));
    }

    @Override
    public boolean putBucket(
            String key, double tokens, long updatedAtMillis, long expectedVersion, long expiresAtMillis) {
        boolean[] stored = {false};
        long now = clock.millis();
        sweep(now);
        entries.compute(key, (k, e) -> {
            long current = e == null || e.expiresAt() <= now ? -1 : e.version();
            if (current != expectedVersion) {
                return e;
            }
            stored[0] = true;
            return new Entry(0, tokens, updatedAtMillis, expectedVersion + 1, expiresAtMillis);
        });
        return stored[0];
    }
}
