package dev.abi.benchmarks.ann;

import dev.abi.vector.Metric;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.quantization.KMeansPlusPlusClusterer;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * {@code io.github.jbellis:jvector:4.0.2}: the in-memory graph (hierarchy on, M=16, beam width 100, the library's
 * default overflow 1.2 and alpha 1.2), searched with exact scores, or with PQ codes and exact re-ranking.
 */
final class JvectorContender implements Contender {

    private static final VectorTypeSupport VTS =
            VectorizationProvider.getInstance().getVectorTypeSupport();

    private final boolean pq;
    private RandomAccessVectorValues vectors;
    private VectorSimilarityFunction similarity;
    private ImmutableGraphIndex graph;
    private PQVectors codes;
    private final ThreadLocal<GraphSearcher> searchers = new ThreadLocal<>();
    private long graphBytes;
    private int dimension;

    JvectorContender(boolean pq) {
        this.pq = pq;
    }

    @Override
    public String name() {
        return pq ? "jvector-pq-rerank" : "jvector-f32";
    }

    @Override
    public void build(Dataset data, int threads) throws Exception {
        dimension = data.dimension();
        List<VectorFloat<?>> list = new ArrayList<>(data.base().length);
        for (float[] v : data.base()) {
            list.add(VTS.createFloatVector(v));
        }
        vectors = new ListRandomAccessVectorValues(list, dimension);
        similarity =
                data.metric() == Metric.L2 ? VectorSimilarityFunction.EUCLIDEAN : VectorSimilarityFunction.DOT_PRODUCT;
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            BuildScoreProvider scores = BuildScoreProvider.randomAccessScoreProvider(vectors, similarity);
            GraphIndexBuilder builder =
                    new GraphIndexBuilder(scores, dimension, 16, 100, 1.2f, 1.2f, true, true, pool, pool);
            graph = builder.build(vectors);
            graphBytes = graph instanceof OnHeapGraphIndex onHeap ? onHeap.ramBytesUsed() : 0;
            if (pq) {
                ProductQuantization quantizer = ProductQuantization.compute(
                        vectors,
                        Benchmarks.pqSubspaces(dimension),
                        256,
                        similarity == VectorSimilarityFunction.EUCLIDEAN,
                        KMeansPlusPlusClusterer.UNWEIGHTED,
                        pool,
                        pool);
                codes = (PQVectors) quantizer.encodeAll(vectors, pool);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Override
    public int[] search(float[] query, int k, int effort) {
        GraphSearcher searcher = searchers.get();
        if (searcher == null) {
            searcher = new GraphSearcher(graph);
            searchers.set(searcher);
        }
        VectorFloat<?> q = VTS.createFloatVector(query);
        SearchScoreProvider provider = pq
                ? new DefaultSearchScoreProvider(
                        codes.precomputedScoreFunctionFor(q, similarity), vectors.rerankerFor(q, similarity))
                : DefaultSearchScoreProvider.exact(q, similarity, vectors);
        SearchResult result = searcher.search(provider, k, Math.max(k, effort), 0f, 0f, Bits.ALL);
        SearchResult.NodeScore[] nodes = result.getNodes();
        int[] out = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            out[i] = nodes[i].node;
        }
        return out;
    }

    @Override
    public long indexBytes() {
        // With PQ the walk reads codes; the float vectors are read only to re-rank (they could stay on disk).
        return pq ? graphBytes + codes.ramBytesUsed() : graphBytes + (long) vectors.size() * dimension * Float.BYTES;
    }
}
