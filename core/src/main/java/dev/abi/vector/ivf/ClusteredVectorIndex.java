package dev.abi.vector.ivf;

import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import dev.abi.vector.SearchHit;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A clustered segment ({@link ClusteredSegmentView}) under a mutable index of the writes made since it was stored,
 * as {@code LayeredVectorIndex} does for a graph segment. Every id written or deleted after the segment is hidden in
 * it (by id: the segment's ids are not held in memory); searches ask both layers for {@code topK} and merge them.
 * Whether a hidden id was in the segment, which {@link #size()} needs, is looked up in the segment's id directory
 * only when asked, each directory bucket once and in parallel (a delete asks at once, for its answer).
 */
public final class ClusteredVectorIndex implements VectorIndex {

    private final ClusteredSegmentView base;
    private final VectorIndex overlay;
    /** Ids written or deleted after the segment: their stored copies are never answered. */
    private final Set<String> hidden = ConcurrentHashMap.newKeySet();
    /** Hidden ids not yet looked up in the segment (hidden by an upsert; {@link #size()} looks them up). */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Hidden ids the segment was found to hold. */
    private final java.util.concurrent.atomic.AtomicInteger hiddenInBase =
            new java.util.concurrent.atomic.AtomicInteger();

    private final Object writes = new Object();

    /**
     * @param base the stored clustered segment
     * @param overlay an empty index for the writes after it (of the same dimension and metric)
     */
    public ClusteredVectorIndex(ClusteredSegmentView base, VectorIndex overlay) {
        if (overlay.dimension() != base.dimension() || overlay.metric() != base.metric()) {
            throw new IllegalArgumentException("overlay is " + overlay.dimension() + "-d " + overlay.metric()
                    + ", segment " + base.name() + " is " + base.dimension() + "-d " + base.metric());
        }
        this.base = base;
        this.overlay = overlay;
    }

    /** The stored segment this index searches in place. */
    public ClusteredSegmentView base() {
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
        synchronized (writes) {
            if (!pending.isEmpty()) {
                hiddenInBase.addAndGet(base.countStored(pending)); // one read per directory bucket, in parallel
                pending.clear();
            }
            return base.size() - hiddenInBase.get() + overlay.size();
        }
    }

    @Override
    public void upsert(String id, float[] values, Map<String, Object> attributes) {
        synchronized (writes) {
            overlay.upsert(id, values, attributes);
            if (hidden.add(id)) {
                pending.add(id);
            }
        }
    }

    @Override
    public boolean delete(String id) {
        synchronized (writes) {
            boolean written = overlay.delete(id);
            boolean stored = hidden.add(id) && base.contains(id);
            if (stored) {
                hiddenInBase.incrementAndGet();
            }
            return written || stored;
        }
    }

    @Override
    public Optional<StoredVector> get(String id) {
        Optional<StoredVector> written = overlay.get(id);
        if (written.isPresent() || hidden.contains(id)) {
            return written;
        }
        return base.get(id);
    }

    @Override
    public List<SearchHit> search(float[] query, int topK, Filter filter) {
        return search(query, topK, filter, base.effort());
    }

    /** As {@link #search(float[], int, Filter)}, with the clustered segment's search {@code effort}. */
    public List<SearchHit> search(float[] query, int topK, Filter filter, Effort effort) {
        List<SearchHit> stored = base.search(query, topK, filter, hidden::contains, effort);
        if (overlay.size() == 0) {
            return stored;
        }
        List<SearchHit> merged = new ArrayList<>(stored);
        merged.addAll(overlay.search(query, topK, filter));
        merged.sort(Comparator.comparingDouble(SearchHit::distance).thenComparing(SearchHit::id));
        return merged.size() > topK ? List.copyOf(merged.subList(0, topK)) : merged;
    }

    @Override
    public void forEach(Consumer<StoredVector> visitor) {
        base.forEach(hidden::contains, visitor);
        overlay.forEach(visitor);
    }
}
