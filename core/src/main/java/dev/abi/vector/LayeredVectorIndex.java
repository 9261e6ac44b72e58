package dev.abi.vector;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * An immutable graph segment searched in place ({@link HnswSegmentView}) under a mutable index of the writes made
 * since it was stored. A write to an id the segment holds hides the segment's node (a delete hides it and nothing
 * else); searches ask both layers for their {@code topK} and merge them, so a query never returns a hidden node and
 * sees every later write.
 */
public final class LayeredVectorIndex implements VectorIndex {

    private final HnswSegmentView base;
    private final VectorIndex overlay;
    /** One bit per segment node: set once the node is deleted or replaced by a later write. */
    private final AtomicLongArray hidden;

    private final Object writes = new Object();
    private volatile int hiddenCount;

    /**
     * @param base the stored graph
     * @param overlay an empty index for the writes after it (of the same dimension and metric)
     */
    public LayeredVectorIndex(HnswSegmentView base, VectorIndex overlay) {
        if (overlay.dimension() != base.dimension() || overlay.metric() != base.metric()) {
            throw new IllegalArgumentException("overlay is " + overlay.dimension() + "-d " + overlay.metric()
                    + ", segment " + base.name() + " is " + base.dimension() + "-d " + base.metric());
        }
        this.base = base;
        this.overlay = overlay;
        this.hidden = new AtomicLongArray((base.nodes() + 63) / 64);
    }

    /** The stored graph this index searches in place. */
    public HnswSegmentView base() {
        return base;
    }

    @Override
    public int dimension() {
        return base.dimension();
    }

    @Override
    public Metric metric() {
        return base.metric();
    }

    @Override
    public int size() {
        return base.size() - hiddenCount + overlay.size();
    }

    @Override
    public void upsert(String id, float[] values, Map<String, Object> attributes) {
        synchronized (writes) {
            overlay.upsert(id, values, attributes);
            hideInBase(id);
        }
    }

    @Override
    public boolean delete(String id) {
        synchronized (writes) {
            boolean existed = overlay.delete(id);
            return hideInBase(id) || existed;
        }
    }

    /** Hides {@code id}'s visible node in the segment; whether there was one. */
    private boolean hideInBase(String id) {
        Optional<Integer> node = base.node(id);
        if (node.isEmpty() || isHidden(node.get())) {
            return false;
        }
        int n = node.get();
        long bit = 1L << (n & 63);
        hidden.getAndUpdate(n >>> 6, word -> word | bit);
        hiddenCount++;
        return true;
    }

    private boolean isHidden(int node) {
        return (hidden.get(node >>> 6) & (1L << (node & 63))) != 0;
    }

    @Override
    public Optional<StoredVector> get(String id) {
        Optional<StoredVector> written = overlay.get(id);
        if (written.isPresent()) {
            return written;
        }
        return base.node(id).filter(n -> !isHidden(n)).map(base::stored);
    }

    @Override
    public List<SearchHit> search(float[] query, int topK, Filter filter) {
        return search(query, topK, filter, base.params().efSearch());
    }

    /** As {@link #search(float[], int, Filter)}, with the graph's search effort {@code ef}. */
    public List<SearchHit> search(float[] query, int topK, Filter filter, int ef) {
        List<SearchHit> stored = base.search(query, topK, filter, this::isHidden, hiddenCount, ef);
        if (overlay.size() == 0) {
            return stored;
        }
        List<SearchHit> written = overlay.search(query, topK, filter);
        TopK best = new TopK(topK);
        for (SearchHit h : stored) {
            best.offer(h.id(), h.distance());
        }
        for (SearchHit h : written) {
            best.offer(h.id(), h.distance());
        }
        return best.result();
    }

    @Override
    public void forEach(Consumer<StoredVector> visitor) {
        base.forEach(this::isHidden, visitor);
        overlay.forEach(visitor);
    }
}
