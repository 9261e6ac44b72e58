package dev.abi.vector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps the {@code k} best (smallest distance, then smallest id) candidates seen, in a bounded max-heap whose root is
 * the worst kept candidate. Not thread-safe: one per search.
 */
final class TopK {

    private final int k;
    private final float[] distances;
    private final String[] ids;
    private int size;

    TopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        this.k = k;
        this.distances = new float[k];
        this.ids = new String[k];
    }

    /** Whether a candidate at this distance could enter; lets callers skip work for hopeless candidates. */
    boolean mayAccept(float distance) {
        return size < k || distance <= distances[0];
    }

    void offer(String id, float distance) {
        if (size < k) {
            distances[size] = distance;
            ids[size] = id;
            siftUp(size++);
        } else if (worse(distances[0], ids[0], distance, id)) {
            distances[0] = distance;
            ids[0] = id;
            siftDown(0);
        }
    }

    /** The kept candidates, best first. */
    List<SearchHit> result() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (a, b) -> worse(distances[a], ids[a], distances[b], ids[b])
                        ? 1
                        : worse(distances[b], ids[b], distances[a], ids[a]) ? -1 : 0);
        List<SearchHit> hits = new ArrayList<>(size);
        for (int i : order) {
            hits.add(new SearchHit(ids[i], distances[i]));
        }
        return hits;
    }

    /** Whether (d1, id1) ranks after (d2, id2). */
    private static boolean worse(float d1, String id1, float d2, String id2) {
        int c = Float.compare(d1, d2);
        return c > 0 || (c == 0 && id1.compareTo(id2) > 0);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(distances[i], ids[i], distances[parent], ids[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && worse(distances[right], ids[right], distances[left], ids[left])) {
                worst = right;
            }
            if (!worse(distances[worst], ids[worst], distances[i], ids[i])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        float d = distances[a];
        distances[a] = distances[b];
        distances[b] = d;
        String s = ids[a];
        ids[a] = ids[b];
        ids[b] = s;
    }
}
