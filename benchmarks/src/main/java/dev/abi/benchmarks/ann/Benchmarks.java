package dev.abi.benchmarks.ann;

import dev.abi.vector.SearchHit;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/** Small helpers shared by the contenders. */
final class Benchmarks {

    private Benchmarks() {}

    /** Runs {@code work} inside a fork-join pool of {@code threads}, so parallel streams in it use that many. */
    static void inPool(int threads, Runnable work) {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(work).join();
        } finally {
            pool.shutdown();
        }
    }

    /** Base ordinals of hits whose ids are the ordinals written as decimal strings. */
    static int[] ordinals(List<SearchHit> hits) {
        int[] out = new int[hits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(hits.get(i).id());
        }
        return out;
    }

    /** PQ subspaces for a dimension: one byte per 4 dimensions (a 16x smaller code than float32). */
    static int pqSubspaces(int dimension) {
        return Math.max(1, dimension / 4);
    }
}
