package dev.abi.gpu.search;

import dev.abi.gpu.cuda.CudaApi;
import dev.abi.gpu.kernels.Kernels;
import dev.abi.vector.Metric;
import java.util.Arrays;

/**
 * Exact k-nearest search of a batch of queries over a {@link ResidentMatrix}: one launch scores every chunk of
 * {@link Kernels#CHUNK} rows against tiles of {@link Kernels#MAX_QUERY_TILE} queries and keeps each chunk's k best
 * per query; a second launch merges those into each query's k best. Only {@code queries x k} ids and distances
 * are copied back. Scratch buffers are kept and grown, so steady traffic allocates nothing. GPU thread only.
 */
public final class GpuSearcher {

    /** The most dynamic shared memory a search block may ask for (H100: 227 KiB; A100: 163 KiB). */
    static final int MAX_SHARED = 160 * 1024;
    /** CUDA's largest grid y dimension. */
    static final int MAX_GRID_Y = 65_535;

    /** Each query's matches, closest first: row indices and distances ({@link Metric}: smaller is closer). */
    public record Result(int[][] rows, float[][] distances) {}

    private final GpuKernels kernels;
    private CudaApi.Buffer queryBuf;
    private CudaApi.Buffer candDist;
    private CudaApi.Buffer candIdx;
    private CudaApi.Buffer outDist;
    private CudaApi.Buffer outIdx;

    public GpuSearcher(GpuKernels kernels) {
        this.kernels = kernels;
    }

    /** Dynamic shared bytes one search block uses for {@code nq} queries of {@code dim}. */
    public static int sharedBytes(int nq, int dim) {
        long qt = Math.min(Kernels.MAX_QUERY_TILE, nq);
        return (int) Math.min(Integer.MAX_VALUE, qt * ((long) dim + Kernels.CHUNK) * 4);
    }

    /** Validates, uploads the queries (unit-scaled for cosine), launches and copies back. */
    public Result search(CudaApi api, ResidentMatrix m, float[][] queries, int k) {
        int nq = queries.length;
        if (nq == 0) {
            return new Result(new int[0][], new float[0][]);
        }
        if (k < 1 || k > Kernels.CHUNK) {
            throw new IllegalArgumentException("k = " + k + " (1 to " + Kernels.CHUNK + " on the GPU)");
        }
        if (sharedBytes(nq, m.dim) > MAX_SHARED) {
            throw new IllegalArgumentException("dimension " + m.dim + " needs " + sharedBytes(nq, m.dim)
                    + " bytes of shared memory per block; at most " + MAX_SHARED);
        }
        float[] flat = new float[nq * m.dim];
        for (int q = 0; q < nq; q++) {
            float[] v = queries[q];
            if (v.length != m.dim) {
                throw new IllegalArgumentException("query " + q + " has " + v.length + " dimensions, not " + m.dim);
            }
            float scale = 1f;
            if (m.metric == Metric.COSINE) {
                double ss = 0;
                for (float x : v) {
                    ss += (double) x * x;
                }
                scale = ss > 0 ? (float) (1 / Math.sqrt(ss)) : 0f;
            }
            for (int d = 0; d < m.dim; d++) {
                flat[q * m.dim + d] = v[d] * scale;
            }
        }
        queryBuf = ensure(api, queryBuf, 4L * flat.length);
        api.copyIn(queryBuf, 0, flat, 0, flat.length);
        launch(api, m, queryBuf, nq, k);
        int[] ids = new int[nq * k];
        float[] dist = new float[nq * k];
        api.copyOut(outIdx, 0, ids, 0, ids.length);
        api.copyOut(outDist, 0, dist, 0, dist.length);
        int[][] rows = new int[nq][];
        float[][] distances = new float[nq][];
        for (int q = 0; q < nq; q++) {
            int found = 0;
            while (found < k && ids[q * k + found] >= 0) {
                found++;
            }
            rows[q] = Arrays.copyOfRange(ids, q * k, q * k + found);
            distances[q] = Arrays.copyOfRange(dist, q * k, q * k + found);
        }
        // a zero query under cosine has no direction: every row is orthogonal to it (distance 1), as on the CPU
        return new Result(rows, distances);
    }

    /**
     * The two launches alone, on queries already in device memory (the GPU check times exactly this). Results
     * are left in the scratch output buffers; call {@link CudaApi#synchronize()} or record an event to wait.
     */
    public void launch(CudaApi api, ResidentMatrix m, CudaApi.Buffer queries, int nq, int k) {
        int chunks = (m.n + Kernels.CHUNK - 1) / Kernels.CHUNK;
        if (chunks > MAX_GRID_Y) {
            throw new IllegalArgumentException(m.n + " rows: at most " + (long) MAX_GRID_Y * Kernels.CHUNK
                    + " in one resident matrix (grid y holds the chunks)");
        }
        long cand = (long) nq * chunks * k;
        candDist = ensure(api, candDist, 4 * cand);
        candIdx = ensure(api, candIdx, 4 * cand);
        outDist = ensure(api, outDist, 4L * nq * k);
        outIdx = ensure(api, outIdx, 4L * nq * k);
        int metric = switch (m.metric) {
            case COSINE -> Kernels.METRIC_COSINE;
            case DOT -> Kernels.METRIC_DOT;
            case L2 -> Kernels.METRIC_L2;
        };
        int tiles = (nq + Kernels.MAX_QUERY_TILE - 1) / Kernels.MAX_QUERY_TILE;
        int shared = sharedBytes(nq, m.dim);
        switch (m.precision) {
            case F32 ->
                api.launch(
                        kernels.get(Kernels.SEARCH_F32),
                        tiles,
                        chunks,
                        Kernels.SEARCH_THREADS,
                        shared,
                        m.rows,
                        m.n,
                        m.dim,
                        m.invNorms,
                        queries,
                        nq,
                        metric,
                        k,
                        candDist,
                        candIdx);
            case F16 ->
                api.launch(
                        kernels.get(Kernels.SEARCH_F16),
                        tiles,
                        chunks,
                        Kernels.SEARCH_THREADS,
                        shared,
                        m.rows,
                        m.n,
                        m.dim,
                        m.invNorms,
                        queries,
                        nq,
                        metric,
                        k,
                        candDist,
                        candIdx);
            case I8 ->
                api.launch(
                        kernels.get(Kernels.SEARCH_I8),
                        tiles,
                        chunks,
                        Kernels.SEARCH_THREADS,
                        shared,
                        m.rows,
                        m.n,
                        m.dim,
                        m.offset,
                        m.step,
                        m.invNorms,
                        queries,
                        nq,
                        metric,
                        k,
                        candDist,
                        candIdx);
        }
        api.launch(kernels.get(Kernels.TOPK_MERGE), nq, 1, 256, 0, candDist, candIdx, chunks, k, outDist, outIdx);
    }

    private static CudaApi.Buffer ensure(CudaApi api, CudaApi.Buffer b, long bytes) {
        if (b != null && b.bytes() >= bytes) {
            return b;
        }
        if (b != null) {
            api.free(b);
        }
        return api.alloc(Math.max(bytes, 256));
    }

    /** Frees the scratch buffers. */
    public void free(CudaApi api) {
        for (CudaApi.Buffer b : new CudaApi.Buffer[] {queryBuf, candDist, candIdx, outDist, outIdx}) {
            if (b != null) {
                api.free(b);
            }
        }
        queryBuf = candDist = candIdx = outDist = outIdx = null;
    }
}
