package dev.abi.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** An object store in the JVM's memory, for tests and throwaway runs. Thread-safe. */
public final class InMemoryObjectStore implements ObjectStore {

    private final ConcurrentSkipListMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();

    @Override
    public Optional<StoredObject> get(String key) {
        StoredObject o = objects.get(ObjectKeys.requireValid(key));
        return o == null ? Optional.empty() : Optional.of(new StoredObject(o.bytes().clone(), o.etag()));
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        StoredObject o = objects.get(ObjectKeys.requireValid(key));
        if (o == null) {
            throw new ObjectNotFoundException(key);
        }
        int from = (int) Math.min(offset, o.bytes().length);
        return Arrays.copyOfRange(o.bytes(), from, Math.min(o.bytes().length, from + length));
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        StoredObject fresh = new StoredObject(bytes.clone(), ObjectKeys.etagOf(bytes));
        if (objects.putIfAbsent(ObjectKeys.requireValid(key), fresh) != null) {
            throw new PreconditionFailedException(key, "object already exists");
        }
        return fresh.etag();
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        StoredObject fresh = new StoredObject(bytes.clone(), ObjectKeys.etagOf(bytes));
        StoredObject current = objects.get(ObjectKeys.requireValid(key));
        if (current == null || !current.etag().equals(expectedEtag) || !objects.replace(key, current, fresh)) {
            throw new PreconditionFailedException(key, "etag does not match");
        }
        return fresh.etag();
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        List<ObjectInfo> out = new ArrayList<>();
        for (Map.Entry<String, StoredObject> e : objects.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(new ObjectInfo(e.getKey(), e.getValue().bytes().length, e.getValue().etag()));
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
}
