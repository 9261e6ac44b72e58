package dev.abi.store;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps an {@link ObjectStore} and counts its calls by kind ({@link FaultyObjectStore.Op}), for tests that bound what
 * a request costs in round trips: {@link #reset()}, run the request, then read {@link #count}.
 */
public final class CountingObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final Map<FaultyObjectStore.Op, AtomicLong> counts = new EnumMap<>(FaultyObjectStore.Op.class);

    public CountingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
        for (FaultyObjectStore.Op op : FaultyObjectStore.Op.values()) {
            counts.put(op, new AtomicLong());
        }
    }

    /** Calls of this kind since the last {@link #reset()}. */
    public long count(FaultyObjectStore.Op op) {
        return counts.get(op).get();
    }

    /** Calls of every kind since the last {@link #reset()}. */
    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** The counts since the last reset, e.g. {@code {GET=1, LIST=0, ...}}, for failure messages and reports. */
    public String summary() {
        StringBuilder sb = new StringBuilder("{");
        counts.forEach((op, n) ->
                sb.append(sb.length() > 1 ? ", " : "").append(op).append('=').append(n.get()));
        return sb.append('}').toString();
    }

    public void reset() {
        counts.values().forEach(c -> c.set(0));
    }

    private void count(FaultyObjectStore.Op op, int n) {
        counts.get(op).addAndGet(n);
    }

    @Override
    public Optional<StoredObject> get(String key) {
        count(FaultyObjectStore.Op.GET, 1);
        return delegate.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        count(FaultyObjectStore.Op.GET_RANGE, 1);
        return delegate.getRange(key, offset, length);
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        count(FaultyObjectStore.Op.PUT_IF_ABSENT, 1);
        return delegate.putIfAbsent(key, bytes);
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        count(FaultyObjectStore.Op.PUT_IF_MATCH, 1);
        return delegate.putIfMatch(key, bytes, expectedEtag);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        count(FaultyObjectStore.Op.LIST, 1);
        return delegate.list(prefix);
    }

    @Override
    public List<ObjectInfo> list(String prefix, String startAfter, int limit) {
        count(FaultyObjectStore.Op.LIST, 1);
        return delegate.list(prefix, startAfter, limit);
    }

    @Override
    public void delete(String key) {
        count(FaultyObjectStore.Op.DELETE, 1);
        delegate.delete(key);
    }

    @Override
    public String describe() {
        return "counting(" + delegate.describe() + ")";
    }
}
