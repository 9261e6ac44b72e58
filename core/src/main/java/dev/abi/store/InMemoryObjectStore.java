package dev.abi.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An object store in the JVM's memory, for tests and throwaway runs. Thread-safe. Its clock stands for the store's
 * own clock: it stamps {@link ObjectInfo#lastModified()}, so tests can age objects past a GC grace period.
 */
public final class InMemoryObjectStore implements ObjectStore {

    private record Entry(byte[] bytes, String etag, long modified) {}

    private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();
    private final Clock clock;

    public InMemoryObjectStore() {
        this(Clock.systemUTC());
    }

    public InMemoryObjectStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<StoredObject> get(String key) {
        Entry o = objects.get(ObjectKeys.requireValid(key));
        return o == null
                ? Optional.empty()
                : Optional.of(new StoredObject(o.bytes().clone(), o.etag()));
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        Entry o = objects.get(ObjectKeys.requireValid(key));
        if (o == null) {
            throw new ObjectNotFoundException(key);
        }
        int from = (int) Math.min(offset, o.bytes().length);
        return Arrays.copyOfRange(o.bytes(), from, Math.min(o.bytes().length, from + length));
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        Entry fresh = entry(bytes);
        if (objects.putIfAbsent(ObjectKeys.requireValid(key), fresh) != null) {
            throw new PreconditionFailedException(key, "object already exists");
        }
        return fresh.etag();
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        Entry fresh = entry(bytes);
        Entry current = objects.get(ObjectKeys.requireValid(key));
        if (current == null || !current.etag().equals(expectedEtag) || !objects.replace(key, current, fresh)) {
            throw new PreconditionFailedException(key, "etag does not match");
        }
        return fresh.etag();
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return list(prefix, null, Integer.MAX_VALUE);
    }

    @Override
    public List<ObjectInfo> list(String prefix, String startAfter, int limit) {
        List<ObjectInfo> out = new ArrayList<>();
        var tail = startAfter != null && startAfter.compareTo(prefix) >= 0
                ? objects.tailMap(startAfter, false)
                : objects.tailMap(prefix, true);
        for (Map.Entry<String, Entry> e : tail.entrySet()) {
            if (!e.getKey().startsWith(prefix) || out.size() >= limit) {
                break;
            }
            Entry o = e.getValue();
            out.add(new ObjectInfo(e.getKey(), o.bytes().length, o.etag(), o.modified()));
        }
        return out;
    }

    @Override
    public void delete(String key) {
        objects.remove(ObjectKeys.requireValid(key));
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    private Entry entry(byte[] bytes) {
        return new Entry(bytes.clone(), ObjectKeys.etagOf(bytes), clock.millis());
    }
}
