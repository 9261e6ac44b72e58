package dev.abi.namespace;

import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vectors of one upsert request, last write winning when an id repeats within the batch, with O(1) id lookup.
 */
public final class UpsertBatch extends AbstractList<VectorRecord> {

    private final Map<String, VectorRecord> byId = new LinkedHashMap<>();
    private final List<VectorRecord> records;

    public UpsertBatch(List<VectorRecord> records) {
        for (VectorRecord r : records) {
            byId.remove(r.id());
            byId.put(r.id(), r);
        }
        this.records = List.copyOf(byId.values());
    }

    boolean containsId(String id) {
        return byId.containsKey(id);
    }

    @Override
    public VectorRecord get(int index) {
        return records.get(index);
    }

    @Override
    public int size() {
        return records.size();
    }
}
