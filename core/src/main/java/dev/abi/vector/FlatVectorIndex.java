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

    private float[] data;
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
        int capacity = Math.max(1, initialCapacity);
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
            throw new IllegalArgumentException("vector '" + id + "' has " + values.length + " dimensions; index has " + dimension);
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
            System.arraycopy(values, 0, data, slot * dimension, dimension);
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
                System.arraycopy(data, last * dimension, data, slot * dimension, dimension);
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
            int[] block = new int[4];
            float[] scores = new float[4];
            int pending = 0;
            // Blocks of four pay off once a vector spans several SIMD registers; short vectors pay more in the
            // four horizontal sums than they save, and the scalar kernels gain nothing.
            int blockSize = dimension >= 128 && ops.blockKernels() ? 4 : 1;
            for (int slot = 0; slot < size; slot++) {
                if (filter != Filter.ALL && !filter.matches(attributesAt(slot))) {
                    continue;
                }
                if (blockSize == 1) {
                    float distance = distance(query, queryNorm, slot);
                    if (best.mayAccept(distance)) {
                        best.offer(ids[slot], distance);
                    }
                    continue;
                }
                block[pending++] = slot;
                if (pending == 4) {
                    // Four vectors per pass over the query: the query is loaded once and the four streams overlap.
                    scoreBlock(query, queryNorm, block, scores);
                    for (int j = 0; j < 4; j++) {
                        if (best.mayAccept(scores[j])) {
                            best.offer(ids[block[j]], scores[j]);
                        }
                    }
                    pending = 0;
                }
            }
            for (int j = 0; j < pending; j++) {
                float distance = distance(query, queryNorm, block[j]);
                if (best.mayAccept(distance)) {
                    best.offer(ids[block[j]], distance);
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

    private void scoreBlock(float[] query, float queryNorm, int[] block, float[] out) {
        int o0 = block[0] * dimension;
        int o1 = block[1] * dimension;
        int o2 = block[2] * dimension;
        int o3 = block[3] * dimension;
        if (metric == Metric.L2) {
            ops.squaredDistance4(query, data, o0, o1, o2, o3, dimension, out, 0);
            for (int j = 0; j < 4; j++) {
                out[j] = (float) Math.sqrt(out[j]);
            }
            return;
        }
        ops.dot4(query, data, o0, o1, o2, o3, dimension, out, 0);
        for (int j = 0; j < 4; j++) {
            if (metric == Metric.DOT) {
                out[j] = -out[j];
            } else {
                float denominator = queryNorm * norms[block[j]];
                out[j] = denominator == 0f ? 1f : 1f - out[j] / denominator;
            }
        }
    }

    private float distance(float[] query, float queryNorm, int slot) {
        int offset = slot * dimension;
        return switch (metric) {
            case DOT -> -ops.dot(query, data, offset, dimension);
            case L2 -> (float) Math.sqrt(ops.squaredDistance(query, data, offset, dimension));
            case COSINE -> {
                float denominator = queryNorm * norms[slot];
                // A zero vector has no direction: treat it as orthogonal to everything.
                yield denominator == 0f ? 1f : 1f - ops.dot(query, data, offset, dimension) / denominator;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> attributesAt(int slot) {
        return (Map<String, Object>) attributes[slot];
    }

    private StoredVector vectorAt(int slot) {
        float[] values = Arrays.copyOfRange(data, slot * dimension, (slot + 1) * dimension);
        return new StoredVector(ids[slot], values, attributesAt(slot));
    }

    private void ensureCapacity(int needed) {
        if (needed <= ids.length) {
            return;
        }
        int capacity = Math.max(needed, ids.length + (ids.length >> 1) + 1);
        data = Arrays.copyOf(data, Math.multiplyExact(capacity, dimension));
        norms = Arrays.copyOf(norms, capacity);
        ids = Arrays.copyOf(ids, capacity);
        attributes = Arrays.copyOf(attributes, capacity);
    }
}
