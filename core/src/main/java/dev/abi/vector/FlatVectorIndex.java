package dev.abi.vector;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Exact index: every search scans all vectors, which sit in one contiguous {@code float[]} so that the SIMD kernels
 * stream through memory. Deletes move the last vector into the freed slot, so the array stays dense.
 *
 * <p>Searches run concurrently under a read lock; writes take the write lock.
 */
public final class FlatVectorIndex implements VectorIndex {

    private final int dimension;
    private final Metric metric;
    private final VectorOps ops;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Integer> slotOf = new HashMap<>();

    /** Vectors in panels of {@link #width}, each panel stored transposed (k-major), so a scan needs no lane sums. */
    private float[] data;

    private final int width;
    /** Euclidean norm of each stored vector; only used for cosine. */
    private float[] norms;

    private String[] ids;
    private Object[] attributes;
    private int size;

    public FlatVectorIndex(int dimension, Metric metric) {
        this(dimension, metric, VectorOpsProvider.get(), 16);
    }

    public FlatVectorIndex(int dimension, Metric metric, VectorOps ops, int initialCapacity) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
        this.metric = metric;
        this.ops = ops;
        this.width = ops.panelWidth();
        int capacity = (Math.max(1, initialCapacity) + width - 1) / width * width;
        this.data = new float[capacity * dimension];
        this.norms = new float[capacity];
        this.ids = new String[capacity];
        this.attributes = new Object[capacity];
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    @Override
    public int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void upsert(String id, float[] values, Map<String, Object> attrs) {
        if (values.length != dimension) {
            throw new IllegalArgumentException(
                    "vector '" + id + "' has " + values.length + " dimensions; index has " + dimension);
        }
        lock.writeLock().lock();
        try {
            Integer existing = slotOf.get(id);
            int slot;
            if (existing != null) {
                slot = existing;
            } else {
                ensureCapacity(size + 1);
                slot = size++;
                slotOf.put(id, slot);
                ids[slot] = id;
            }
            put(slot, values);
            norms[slot] = (float) Math.sqrt(ops.dot(values, values, 0, dimension));
            attributes[slot] = attrs == null ? Map.of() : Map.copyOf(attrs);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean delete(String id) {
        lock.writeLock().lock();
        try {
            Integer slot = slotOf.remove(id);
            if (slot == null) {
                return false;
            }
            int last = --size;
            if (slot != last) {
                put(slot, values(last));
                norms[slot] = norms[last];
                ids[slot] = ids[last];
                attributes[slot] = attributes[last];
                slotOf.put(ids[slot], slot);
            }
            ids[last] = null;
            attributes[last] = null;
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public Optional<StoredVector> get(String id) {
        lock.readLock().lock();
        try {
            Integer slot = slotOf.get(id);
            return slot == null ? Optional.empty() : Optional.of(vectorAt(slot));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<SearchHit> search(float[] query, int topK, Filter filter) {
        if (query.length != dimension) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions; index has " + dimension);
        }
        float queryNorm = metric == Metric.COSINE ? (float) Math.sqrt(ops.dot(query, query, 0, dimension)) : 0f;
        lock.readLock().lock();
        try {
            TopK best = new TopK(Math.min(topK, Math.max(1, size)));
            float[] scores = new float[width];
            for (int first = 0; first < size; first += width) {
                // one panel: up to `width` vectors stored transposed, scored with no horizontal sums
                int offset = first * dimension;
                if (metric == Metric.L2) {
                    ops.squaredDistancePanel(query, data, offset, dimension, scores);
                } else {
                    ops.dotPanel(query, data, offset, dimension, scores);
                }
                int count = Math.min(width, size - first);
                if (metric == Metric.COSINE) {
                    for (int j = 0; j < count; j++) {
                        float denominator = queryNorm * norms[first + j];
                        // A zero vector has no direction: treat it as orthogonal to everything.
                        scores[j] = denominator == 0f ? 1f : 1f - scores[j] / denominator;
                    }
                } else if (metric == Metric.DOT) {
                    for (int j = 0; j < count; j++) {
                        scores[j] = -scores[j];
                    }
                }
                for (int j = 0; j < count; j++) {
                    float distance = metric == Metric.L2 ? (float) Math.sqrt(scores[j]) : scores[j];
                    if (best.mayAccept(distance)) {
                        int slot = first + j;
                        if (filter == Filter.ALL || filter.matches(attributesAt(slot))) {
                            best.offer(ids[slot], distance);
                        }
                    }
                }
            }
            return best.result();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void forEach(Consumer<StoredVector> visitor) {
        lock.readLock().lock();
        try {
            for (int slot = 0; slot < size; slot++) {
                visitor.accept(vectorAt(slot));
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> attributesAt(int slot) {
        return (Map<String, Object>) attributes[slot];
    }

    private StoredVector vectorAt(int slot) {
        return new StoredVector(ids[slot], values(slot), attributesAt(slot));
    }

    /** Where element 0 of a slot's vector sits: panels of {@code width} vectors, each stored transposed. */
    private int base(int slot) {
        return (slot - slot % width) * dimension + slot % width;
    }

    private void put(int slot, float[] values) {
        for (int k = 0, at = base(slot); k < dimension; k++, at += width) {
            data[at] = values[k];
        }
    }

    private float[] values(int slot) {
        float[] v = new float[dimension];
        for (int k = 0, at = base(slot); k < dimension; k++, at += width) {
            v[k] = data[at];
        }
        return v;
    }

    private void ensureCapacity(int needed) {
        if (needed <= ids.length) {
            return;
        }
        int capacity = Math.max(needed, ids.length + (ids.length >> 1) + 1);
        capacity = (capacity + width - 1) / width * width; // whole panels
        data = Arrays.copyOf(data, Math.multiplyExact(capacity, dimension));
        norms = Arrays.copyOf(norms, capacity);
        ids = Arrays.copyOf(ids, capacity);
        attributes = Arrays.copyOf(attributes, capacity);
    }
}
