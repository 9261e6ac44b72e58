package dev.abi.benchmarks;

import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectStore;
import dev.abi.store.StoredObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An object store that waits a fixed time before every GET and ranged GET (a round trip to S3, which a local store
 * does not have), and counts the reads and the bytes they return. Writes and lists pass through untimed: the
 * benchmark times queries.
 */
final class LatencyObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final long latencyMillis;
    final AtomicLong gets = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    LatencyObjectStore(ObjectStore delegate, long latencyMillis) {
        this.delegate = delegate;
        this.latencyMillis = latencyMillis;
    }

    private void roundTrip() {
        gets.incrementAndGet();
        try {
            Thread.sleep(latencyMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a simulated round trip", e);
        }
    }

    @Override
    public Optional<StoredObject> get(String key) {
        roundTrip();
        Optional<StoredObject> o = delegate.get(key);
        o.ifPresent(s -> bytes.addAndGet(s.bytes().length));
        return o;
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        roundTrip();
        byte[] b = delegate.getRange(key, offset, length);
        bytes.addAndGet(b.length);
        return b;
    }

    @Override
    public String putIfAbsent(String key, byte[] b) {
        return delegate.putIfAbsent(key, b);
    }

    @Override
    public String putIfMatch(String key, byte[] b, String expectedEtag) {
        return delegate.putIfMatch(key, b, expectedEtag);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public String describe() {
        return delegate.describe() + " +" + latencyMillis + "ms/GET";
    }
}
