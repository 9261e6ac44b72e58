package dev.abi.benchmarks.ann;

import dev.abi.vector.Filter;
import dev.abi.vector.HnswIndex;
import dev.abi.vector.HnswParams;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorEncoding;
import dev.abi.vector.VectorOpsProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** This project's HNSW, walking float32 vectors, or int8 or PQ codes (re-ranked on the floats). */
final class AbiHnswContender implements Contender {

    private final VectorEncoding encoding;
    private HnswIndex index;

    AbiHnswContender(VectorEncoding encoding) {
        this.encoding = encoding;
    }

    @Override
    public String name() {
        return switch (encoding) {
            case FLOAT32 -> "abi-hnsw-f32";
            case INT8 -> "abi-hnsw-int8";
            case PQ -> "abi-hnsw-pq";
        };
    }

    @Override
    public void build(Dataset data, int threads) {
        index = new HnswIndex(
                data.dimension(),
                data.metric(),
                new HnswParams(16, 100, 64, 0.25, encoding),
                VectorOpsProvider.get(),
                data.base().length);
        List<StoredVector> batch = new ArrayList<>(data.base().length);
        for (int i = 0; i < data.base().length; i++) {
            batch.add(new StoredVector(Integer.toString(i), data.base()[i], Map.of()));
        }
        Benchmarks.inPool(threads, () -> index.upsertAll(batch));
    }

    @Override
    public int[] search(float[] query, int k, int effort) {
        return Benchmarks.ordinals(index.search(query, k, Filter.ALL, effort));
    }

    @Override
    public long indexBytes() {
        return index.searchBytes();
    }
}
