package dev.abi.store;

import dev.abi.resilience.CircuitBreaker;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ObjectStore} whose calls go through a {@link CircuitBreaker}: when the store keeps failing
 * ({@link ObjectStoreException}), requests are refused at once with a 503 instead of each waiting on timeouts.
 * Outcomes that are answers, not failures (a missing object, a lost conditional put), never open it.
 */
public final class CircuitBreakingObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final CircuitBreaker breaker;

    public CircuitBreakingObjectStore(ObjectStore delegate, CircuitBreaker breaker) {
        this.delegate = delegate;
        this.breaker = breaker;
    }

    /** Whether an exception is the store's fault. */
    public static boolean isFailure(Throwable t) {
        return t instanceof ObjectStoreException;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return breaker.call(() -> delegate.get(key));
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        return breaker.call(() -> delegate.getRange(key, offset, length));
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        return breaker.call(() -> delegate.putIfAbsent(key, bytes));
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        return breaker.call(() -> delegate.putIfMatch(key, bytes, expectedEtag));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return breaker.call(() -> delegate.list(prefix));
    }

    @Override
    public List<ObjectInfo> list(String prefix, String startAfter, int limit) {
        return breaker.call(() -> delegate.list(prefix, startAfter, limit));
    }

    @Override
    public void delete(String key) {
        breaker.call(() -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public String describe() {
        return delegate.describe() + " (circuit breaker " + breaker.name() + ")";
    }
}
