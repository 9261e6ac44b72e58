// ABI Serverless GPU kernels: exact vector search with the top-k selection on the device, and the pieces of a
// BERT-style encoder forward pass. Built to PTX by scripts/build-kernels; the PTX is checked in beside this file
// (abi_kernels.ptx) with the SHA-256 of this source in abi_kernels.ptx.sha256. The Java side names every entry
// point in dev.abi.gpu.kernels.Kernels; KernelArtifactsTest keeps the three in step.
//
// Conventions: row-major float32 unless a name says otherwise; every distance is "smaller is closer", as in
// dev.abi.vector.Metric: dot = -(q.x), cosine = 1 - cos(q, x), l2 = Euclidean distance (not squared).
#include <cuda_fp16.h>
#include <stdint.h>

#define ABI_METRIC_COSINE 0
#define ABI_METRIC_DOT 1
#define ABI_METRIC_L2 2

// Rows scored per block of the search kernels, and the most queries one block scores at once.
#define ABI_CHUNK 1024
#define ABI_MAX_QT 8
#define ABI_WARPS 8

__device__ __forceinline__ float abi_load(const float* rows, size_t at, const float*, const float*, int) {
    return rows[at];
}

__device__ __forceinline__ float abi_load(const __half* rows, size_t at, const float*, const float*, int) {
    return __half2float(rows[at]);
}

// int8 rows are per-dimension scalar codes: x[d] = offset[d] + step[d] * code[d] (dev.abi.vector.ScalarQuantizer).
__device__ __forceinline__ float abi_load(const int8_t* rows, size_t at, const float* offset, const float* step,
                                          int d) {
    return offset[d] + step[d] * (float) rows[at];
}

// Is candidate (da, ia) closer than (db, ib)? Ties go to the smaller row index; -1 (no row) loses to everything.
__device__ __forceinline__ bool abi_better(float da, int ia, float db, int ib) {
    if (ia < 0) return false;
    if (ib < 0) return true;
    return da < db || (da == db && ia < ib);
}

// Warp-wide arg-min of (d, i); every lane ends with the winner.
__device__ __forceinline__ void abi_warp_argmin(float& d, int& i) {
    for (int o = 16; o > 0; o >>= 1) {
        float od = __shfl_xor_sync(0xffffffffu, d, o);
        int oi = __shfl_xor_sync(0xffffffffu, i, o);
        if (abi_better(od, oi, d, i)) {
            d = od;
            i = oi;
        }
    }
}

// Scores one chunk of rows against a tile of queries and writes each query's k best of the chunk.
// Grid: x = tile of up to ABI_MAX_QT queries, y = chunk of ABI_CHUNK rows (so the blocks that run together share a
// chunk, which stays in L2 while every query tile reads it); block: ABI_WARPS warps.
// Dynamic shared memory: qt * dim floats (the query tile) + qt * ABI_CHUNK floats (the chunk's distances).
// Output: candDist / candIdx [query][chunk][k], index -1 where the chunk has fewer than k rows.
template <typename T>
__device__ void abi_search_chunk(const T* __restrict__ rows, int n, int dim, const float* __restrict__ offset,
                                 const float* __restrict__ step, const float* __restrict__ rowInvNorm,
                                 const float* __restrict__ queries, int nq, int metric, int k,
                                 float* __restrict__ candDist, int* __restrict__ candIdx) {
    extern __shared__ float abi_shared[];
    const int chunk = blockIdx.y;
    const int chunks = gridDim.y;
    const int q0 = blockIdx.x * ABI_MAX_QT;
    const int qt = min(ABI_MAX_QT, nq - q0);
    float* qs = abi_shared;
    float* dist = abi_shared + qt * dim;
    for (int at = threadIdx.x; at < qt * dim; at += blockDim.x) {
        qs[at] = queries[(size_t) q0 * dim + at];
    }
    __syncthreads();
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int first = chunk * ABI_CHUNK;
    for (int r = warp; r < ABI_CHUNK; r += ABI_WARPS) {
        const int row = first + r;
        float acc[ABI_MAX_QT];
#pragma unroll
        for (int j = 0; j < ABI_MAX_QT; j++) acc[j] = 0.f;
        if (row < n) {
            const size_t base = (size_t) row * dim;
            // unrolled so that each lane has several row loads in flight (batch 1 is bandwidth-bound)
#pragma unroll 4
            for (int d = lane; d < dim; d += 32) {
                const float x = abi_load(rows, base + d, offset, step, d);
#pragma unroll
                for (int j = 0; j < ABI_MAX_QT; j++) {
                    if (j < qt) {
                        const float q = qs[j * dim + d];
                        if (metric == ABI_METRIC_L2) {
                            const float t = q - x;
                            acc[j] = fmaf(t, t, acc[j]);
                        } else {
                            acc[j] = fmaf(q, x, acc[j]);
                        }
                    }
                }
            }
        }
#pragma unroll
        for (int j = 0; j < ABI_MAX_QT; j++) {
            if (j < qt) {  // uniform across the block: a tile of one query reduces one sum, not eight
                float s = acc[j];
                for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
                acc[j] = s;
            }
        }
        if (lane == 0) {
            for (int j = 0; j < qt; j++) {
                float v;
                if (row >= n) {
                    v = INFINITY;
                } else if (metric == ABI_METRIC_L2) {
                    v = sqrtf(acc[j]);
                } else if (metric == ABI_METRIC_DOT) {
                    v = -acc[j];
                } else {
                    // queries arrive unit length; a zero row has no direction and counts as orthogonal (1)
                    const float inv = rowInvNorm[row];
                    v = inv == 0.f ? 1.f : 1.f - acc[j] * inv;
                }
                dist[j * ABI_CHUNK + r] = v;
            }
        }
    }
    __syncthreads();
    // Selection: warp j takes query j and pulls the k best of the chunk one at a time, each a warp arg-min.
    for (int j = warp; j < qt; j += ABI_WARPS) {
        float* dj = dist + j * ABI_CHUNK;
        const size_t out = ((size_t) (q0 + j) * chunks + chunk) * k;
        for (int t = 0; t < k; t++) {
            float bd = INFINITY;
            int bi = -1;
            for (int r = lane; r < ABI_CHUNK; r += 32) {
                const int row = first + r;
                if (row < n && !isnan(dj[r]) && abi_better(dj[r], row, bd, bi)) {
                    bd = dj[r];
                    bi = row;
                }
            }
            abi_warp_argmin(bd, bi);
            if (lane == 0) {
                candDist[out + t] = bd;
                candIdx[out + t] = bi;
                if (bi >= 0) dj[bi - first] = NAN;  // taken: NaN compares false, so it is never picked again
            }
            __syncwarp();
        }
    }
}

extern "C" __global__ void abi_search_f32(const float* rows, int n, int dim, const float* rowInvNorm,
                                          const float* queries, int nq, int metric, int k, float* candDist,
                                          int* candIdx) {
    abi_search_chunk<float>(rows, n, dim, nullptr, nullptr, rowInvNorm, queries, nq, metric, k, candDist, candIdx);
}

extern "C" __global__ void abi_search_f16(const __half* rows, int n, int dim, const float* rowInvNorm,
                                          const float* queries, int nq, int metric, int k, float* candDist,
                                          int* candIdx) {
    abi_search_chunk<__half>(rows, n, dim, nullptr, nullptr, rowInvNorm, queries, nq, metric, k, candDist, candIdx);
}

extern "C" __global__ void abi_search_i8(const int8_t* rows, int n, int dim, const float* offset, const float* step,
                                         const float* rowInvNorm, const float* queries, int nq, int metric, int k,
                                         float* candDist, int* candIdx) {
    abi_search_chunk<int8_t>(rows, n, dim, offset, step, rowInvNorm, queries, nq, metric, k, candDist, candIdx);
}

// Merges the per-chunk candidates of each query into its final k: one block (256 threads) per query, k rounds of
// a block-wide arg-min. Taken candidates are overwritten with index -1 (candIdx is scratch).
extern "C" __global__ void abi_topk_merge(const float* candDist, int* candIdx, int chunks, int k, float* outDist,
                                          int* outIdx) {
    __shared__ float sd[ABI_WARPS];
    __shared__ int si[ABI_WARPS];
    __shared__ int sslot[ABI_WARPS];
    const int q = blockIdx.x;
    const int m = chunks * k;
    const float* d = candDist + (size_t) q * m;
    int* idx = candIdx + (size_t) q * m;
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    for (int t = 0; t < k; t++) {
        float bd = INFINITY;
        int bi = -1;
        int bslot = -1;
        for (int s = threadIdx.x; s < m; s += blockDim.x) {
            if (abi_better(d[s], idx[s], bd, bi)) {
                bd = d[s];
                bi = idx[s];
                bslot = s;
            }
        }
        for (int o = 16; o > 0; o >>= 1) {
            float od = __shfl_xor_sync(0xffffffffu, bd, o);
            int oi = __shfl_xor_sync(0xffffffffu, bi, o);
            int os = __shfl_xor_sync(0xffffffffu, bslot, o);
            if (abi_better(od, oi, bd, bi)) {
                bd = od;
                bi = oi;
                bslot = os;
            }
        }
        if (lane == 0) {
            sd[warp] = bd;
            si[warp] = bi;
            sslot[warp] = bslot;
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            float wd = sd[0];
            int wi = si[0];
            int ws = sslot[0];
            for (int w = 1; w < (int) (blockDim.x >> 5); w++) {
                if (abi_better(sd[w], si[w], wd, wi)) {
                    wd = sd[w];
                    wi = si[w];
                    ws = sslot[w];
                }
            }
            outDist[(size_t) q * k + t] = wd;
            outIdx[(size_t) q * k + t] = wi;
            if (ws >= 0) idx[ws] = -1;
        }
        __syncthreads();
    }
}

// 1 / |row| for every row (0 for a zero row): the cosine kernels' per-row factor, computed once at upload.
template <typename T>
__device__ void abi_inv_norms(const T* rows, int n, int dim, const float* offset, const float* step, float* out) {
    const int row = blockIdx.x * ABI_WARPS + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (row >= n) return;
    float s = 0.f;
    for (int d = lane; d < dim; d += 32) {
        const float x = abi_load(rows, (size_t) row * dim + d, offset, step, d);
        s = fmaf(x, x, s);
    }
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    if (lane == 0) out[row] = s > 0.f ? rsqrtf(s) : 0.f;
}

extern "C" __global__ void abi_inv_norms_f32(const float* rows, int n, int dim, float* out) {
    abi_inv_norms<float>(rows, n, dim, nullptr, nullptr, out);
}

extern "C" __global__ void abi_inv_norms_f16(const __half* rows, int n, int dim, float* out) {
    abi_inv_norms<__half>(rows, n, dim, nullptr, nullptr, out);
}

extern "C" __global__ void abi_inv_norms_i8(const int8_t* rows, int n, int dim, const float* offset,
                                            const float* step, float* out) {
    abi_inv_norms<int8_t>(rows, n, dim, offset, step, out);
}

// ---- Encoder forward pass ----

#define ABI_TILE 64
#define ABI_TK 16

// C[m][n] = sum_k A[m][k] * W[n][k] + bias[n] (bias may be null): activations times the transpose of a weight
// matrix stored row by row, as a linear layer. 64 x 64 output tile per block of 256 threads, 4 x 4 per thread.
extern "C" __global__ void abi_gemm_f32(const float* __restrict__ A, const float* __restrict__ W,
                                        const float* __restrict__ bias, float* __restrict__ C, int M, int N, int K) {
    __shared__ float as[ABI_TK][ABI_TILE + 1];
    __shared__ float ws[ABI_TK][ABI_TILE + 1];
    const int tx = threadIdx.x & 15;
    const int ty = threadIdx.x >> 4;
    const int m0 = blockIdx.y * ABI_TILE;
    const int n0 = blockIdx.x * ABI_TILE;
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.f;
    for (int k0 = 0; k0 < K; k0 += ABI_TK) {
        // 64 rows x 16 columns of each operand: 1024 values, 4 per thread
        for (int l = threadIdx.x; l < ABI_TILE * ABI_TK; l += blockDim.x) {
            const int r = l / ABI_TK;
            const int c = l % ABI_TK;
            const int kk = k0 + c;
            as[c][r] = (m0 + r < M && kk < K) ? A[(size_t) (m0 + r) * K + kk] : 0.f;
            ws[c][r] = (n0 + r < N && kk < K) ? W[(size_t) (n0 + r) * K + kk] : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int c = 0; c < ABI_TK; c++) {
            float a[4], w[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = as[c][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < 4; j++) w[j] = ws[c][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(a[i], w[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
        const int m = m0 + ty + 16 * i;
        if (m >= M) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int n = n0 + tx + 16 * j;
            if (n < N) C[(size_t) m * N + n] = acc[i][j] + (bias != nullptr ? bias[n] : 0.f);
        }
    }
}

// Block-wide sum (blockDim.x a multiple of 32, at most 1024); every thread gets the total.
__device__ float abi_block_sum(float v) {
    __shared__ float part[32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    __syncthreads();
    if (lane == 0) part[warp] = v;
    __syncthreads();
    float t = 0.f;
    const int warps = blockDim.x >> 5;
    for (int w = 0; w < warps; w++) t += part[w];
    return t;
}

__device__ float abi_block_max(float v) {
    __shared__ float part[32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    __syncthreads();
    if (lane == 0) part[warp] = v;
    __syncthreads();
    float t = -INFINITY;
    const int warps = blockDim.x >> 5;
    for (int w = 0; w < warps; w++) t = fmaxf(t, part[w]);
    return t;
}

// out[r] = (x[r] + residual[r] - mean) / sqrt(var + eps) * w + b, one block per row; residual may be null.
// out may alias x.
extern "C" __global__ void abi_layernorm_f32(const float* x, const float* residual, const float* w, const float* b,
                                             float* out, int dim, float eps) {
    const size_t base = (size_t) blockIdx.x * dim;
    float s = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        s += x[base + i] + (residual != nullptr ? residual[base + i] : 0.f);
    }
    const float mean = abi_block_sum(s) / dim;
    float v = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const float d = x[base + i] + (residual != nullptr ? residual[base + i] : 0.f) - mean;
        v = fmaf(d, d, v);
    }
    const float scale = rsqrtf(abi_block_sum(v) / dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const float y = x[base + i] + (residual != nullptr ? residual[base + i] : 0.f);
        out[base + i] = (y - mean) * scale * w[i] + b[i];
    }
}

// out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * w, one block per row. out may alias x.
extern "C" __global__ void abi_rmsnorm_f32(const float* x, const float* w, float* out, int dim, float eps) {
    const size_t base = (size_t) blockIdx.x * dim;
    float s = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) s = fmaf(x[base + i], x[base + i], s);
    const float scale = rsqrtf(abi_block_sum(s) / dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) out[base + i] = x[base + i] * scale * w[i];
}

// Softmax of each row of x in place (cols values per row), one block per row.
extern "C" __global__ void abi_softmax_f32(float* x, int cols) {
    float* row = x + (size_t) blockIdx.x * cols;
    float m = -INFINITY;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) m = fmaxf(m, row[i]);
    m = abi_block_max(m);
    float s = 0.f;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) {
        const float e = __expf(row[i] - m);
        row[i] = e;
        s += e;
    }
    const float inv = 1.f / abi_block_sum(s);
    for (int i = threadIdx.x; i < cols; i += blockDim.x) row[i] *= inv;
}

// GELU (tanh approximation, as BERT GGUF models and ggml use) of n values in place.
extern "C" __global__ void abi_gelu_f32(float* x, int n) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float v = x[i];
    x[i] = 0.5f * v * (1.f + tanhf(0.7978845608028654f * v * (1.f + 0.044715f * v * v)));
}

// SwiGLU: out[i] = silu(gate[i]) * up[i].
extern "C" __global__ void abi_swiglu_f32(const float* gate, const float* up, float* out, int n) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float g = gate[i];
    out[i] = g / (1.f + __expf(-g)) * up[i];
}

// Bidirectional attention within each sequence of a packed batch. q, k, v, out: [tokens][heads * headDim];
// seqStart[s] .. seqStart[s + 1] are sequence s's tokens; seqOf[t] is token t's sequence. One block per
// (token, head): its scaled scores against its sequence's keys (at most maxLen, in dynamic shared memory), softmax,
// then the weighted sum of values.
extern "C" __global__ void abi_attention_f32(const float* q, const float* k, const float* v, float* out,
                                             const int* seqStart, const int* seqOf, int heads, int headDim,
                                             float scale) {
    extern __shared__ float scores[];
    const int t = blockIdx.x;
    const int h = blockIdx.y;
    const int s = seqOf[t];
    const int from = seqStart[s];
    const int len = seqStart[s + 1] - from;
    const int width = heads * headDim;
    const float* qt = q + (size_t) t * width + h * headDim;
    for (int j = threadIdx.x; j < len; j += blockDim.x) {
        const float* kj = k + (size_t) (from + j) * width + h * headDim;
        float dot = 0.f;
        for (int d = 0; d < headDim; d++) dot = fmaf(qt[d], kj[d], dot);
        scores[j] = dot * scale;
    }
    __syncthreads();
    float m = -INFINITY;
    for (int j = threadIdx.x; j < len; j += blockDim.x) m = fmaxf(m, scores[j]);
    m = abi_block_max(m);
    float sum = 0.f;
    for (int j = threadIdx.x; j < len; j += blockDim.x) {
        const float e = __expf(scores[j] - m);
        scores[j] = e;
        sum += e;
    }
    const float inv = 1.f / abi_block_sum(sum);
    for (int d = threadIdx.x; d < headDim; d += blockDim.x) {
        float acc = 0.f;
        for (int j = 0; j < len; j++) acc = fmaf(scores[j], v[(size_t) (from + j) * width + h * headDim + d], acc);
        out[(size_t) t * width + h * headDim + d] = acc * inv;
    }
}

// x[i] += y[i] + bias[i % dim] (bias may be null).
extern "C" __global__ void abi_add_f32(float* x, const float* y, const float* bias, int n, int dim) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    x[i] += (y != nullptr ? y[i] : 0.f) + (bias != nullptr ? bias[i % dim] : 0.f);
}

// Mean of each sequence's token vectors, scaled to unit length: out[s] for s < sequences, one block per sequence.
extern "C" __global__ void abi_mean_pool_f32(const float* x, const int* seqStart, float* out, int dim) {
    const int s = blockIdx.x;
    const int from = seqStart[s];
    const int len = seqStart[s + 1] - from;
    float ss = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        float m = 0.f;
        for (int t = 0; t < len; t++) m += x[(size_t) (from + t) * dim + i];
        m /= len;
        out[(size_t) s * dim + i] = m;
        ss = fmaf(m, m, ss);
    }
    const float total = abi_block_sum(ss);
    const float inv = total > 0.f ? rsqrtf(total) : 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) out[(size_t) s * dim + i] *= inv;
}
