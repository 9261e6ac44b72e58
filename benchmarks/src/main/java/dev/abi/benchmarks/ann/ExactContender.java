package dev.abi.benchmarks.ann;

import dev.abi.vector.Filter;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.VectorOpsProvider;
import java.util.Map;

/** Exact brute force: this project's SIMD flat scan. */
final class ExactContender implements Contender {

    private FlatVectorIndex index;
    private int dimension;

    @Override
    public String name() {
        return "exact-scan";
    }

    @Override
    public void build(Dataset data, int threads) {
        dimension = data.dimension();
        index = new FlatVectorIndex(dimension, data.metric(), VectorOpsProvider.get(), data.base().length);
        for (int i = 0; i < data.base().length; i++) {
            index.upsert(Integer.toString(i), data.base()[i], Map.of());
        }
    }

    @Override
    public int[] search(float[] query, int k, int effort) {
        return Benchmarks.ordinals(index.search(query, k, Filter.ALL));
    }

    @Override
    public long indexBytes() {
        return (long) index.size() * dimension * Float.BYTES;
    }

    @Override
    public boolean tunable() {
        return false;
    }
}
