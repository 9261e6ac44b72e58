package dev.abi.vector;

import java.util.Arrays;

/**
 * A binary min-heap of (distance, node) pairs packed into longs: the distance's bits, made order-preserving, in the
 * high half and the node ordinal in the low half, so one {@code long} comparison orders by distance then node. A
 * max-heap stores the bitwise complement. Not thread-safe: one per search.
 */
final class ScoredNodes {

    private final boolean max;
    private long[] heap;
    private int size;

    ScoredNodes(int capacity, boolean max) {
        this.heap = new long[Math.max(4, capacity)];
        this.max = max;
    }

    static long encode(float distance, int node) {
        int bits = Float.floatToRawIntBits(distance);
        bits ^= (bits >> 31) & 0x7fffffff;
        return ((long) bits << 32) | (node & 0xffffffffL);
    }

    static float distance(long packed) {
        int bits = (int) (packed >> 32);
        bits ^= (bits >> 31) & 0x7fffffff;
        return Float.intBitsToFloat(bits);
    }

    static int node(long packed) {
        return (int) packed;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    void push(long packed) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        long v = max ? ~packed : packed;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long p = heap[parent];
            if (p <= v) {
                break;
            }
            heap[i] = p;
            i = parent;
        }
        heap[i] = v;
    }

    /** The top pair (smallest for a min-heap, largest for a max-heap). */
    long peek() {
        return max ? ~heap[0] : heap[0];
    }

    long pop() {
        long top = heap[0];
        long last = heap[--size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            long c = heap[child];
            int right = child + 1;
            if (right < size && heap[right] < c) {
                child = right;
                c = heap[right];
            }
            if (last <= c) {
                break;
            }
            heap[i] = c;
            i = child;
        }
        heap[i] = last;
        return max ? ~top : top;
    }

    /** The packed pairs in heap order (not sorted). */
    long[] toArray() {
        long[] out = Arrays.copyOf(heap, size);
        if (max) {
            for (int i = 0; i < out.length; i++) {
                out[i] = ~out[i];
            }
        }
        return out;
    }
}
