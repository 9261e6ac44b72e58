package dev.abi.gpu.emulated;

import static dev.abi.gpu.emulated.EmulatedCudaApi.require;

import dev.abi.gpu.cuda.CudaApi.Buffer;
import dev.abi.gpu.kernels.Kernels;
import java.nio.ByteBuffer;

/** The kernels of {@code abi_kernels.cu} in plain Java, one launch at a time, over the grid the host chose. */
final class EmulatedKernels {

    private EmulatedKernels() {}

    static void run(EmulatedCudaApi api, String name, int gx, int gy, int block, int shared, Object[] a) {
        switch (name) {
            case Kernels.SEARCH_F32 -> search(api, 0, gy, gx, shared, a, 0);
            case Kernels.SEARCH_F16 -> search(api, 1, gy, gx, shared, a, 0);
            case Kernels.SEARCH_I8 -> search(api, 2, gy, gx, shared, a, 2);
            case Kernels.TOPK_MERGE -> merge(api, gx, a);
            case Kernels.INV_NORMS_F32 -> invNorms(api, 0, gx, a);
            case Kernels.INV_NORMS_F16 -> invNorms(api, 1, gx, a);
            case Kernels.INV_NORMS_I8 -> invNorms(api, 2, gx, a);
            case Kernels.GEMM_F32 -> gemm(api, gx, gy, a);
            case Kernels.LAYERNORM_F32 -> layerNorm(api, gx, a);
            case Kernels.RMSNORM_F32 -> rmsNorm(api, gx, a);
            case Kernels.SOFTMAX_F32 -> softmax(api, gx, a);
            case Kernels.GELU_F32 -> gelu(api, gx, block, a);
            case Kernels.SWIGLU_F32 -> swiglu(api, gx, block, a);
            case Kernels.ATTENTION_F32 -> attention(api, gx, gy, shared, a);
            case Kernels.ADD_F32 -> add(api, gx, block, a);
            case Kernels.MEAN_POOL_F32 -> meanPool(api, gx, a);
            default -> throw new IllegalArgumentException("no emulation of " + name);
        }
    }

    private static ByteBuffer m(EmulatedCudaApi api, Object o) {
        return o == null ? null : api.mem((Buffer) o);
    }

    private static int i(Object o) {
        return (Integer) o;
    }

    private static float f(ByteBuffer b, long at) {
        return b.getFloat((int) (4 * at));
    }

    private static void f(ByteBuffer b, long at, float v) {
        b.putFloat((int) (4 * at), v);
    }

    private static float load(ByteBuffer rows, int kind, long at, ByteBuffer off, ByteBuffer step, int d) {
        return switch (kind) {
            case 0 -> f(rows, at);
            case 1 -> Float.float16ToFloat(rows.getShort((int) (2 * at)));
            default -> f(off, d) + f(step, d) * rows.get((int) at);
        };
    }

    private static boolean better(float da, int ia, float db, int ib) {
        if (ia < 0) {
            return false;
        }
        if (ib < 0) {
            return true;
        }
        return da < db || (da == db && ia < ib);
    }

    private static void search(EmulatedCudaApi api, int kind, int chunks, int tiles, int shared, Object[] a, int x) {
        ByteBuffer rows = m(api, a[0]);
        int n = i(a[1]);
        int dim = i(a[2]);
        ByteBuffer off = kind == 2 ? m(api, a[3]) : null;
        ByteBuffer step = kind == 2 ? m(api, a[4]) : null;
        ByteBuffer inv = m(api, a[3 + x]);
        ByteBuffer q = m(api, a[4 + x]);
        int nq = i(a[5 + x]);
        int metric = i(a[6 + x]);
        int k = i(a[7 + x]);
        ByteBuffer cd = m(api, a[8 + x]);
        ByteBuffer ci = m(api, a[9 + x]);
        int chunk = Kernels.CHUNK;
        require((long) chunks * chunk >= n, "search grid covers " + chunks + " chunks for " + n + " rows");
        require((long) tiles * Kernels.MAX_QUERY_TILE >= nq, "search grid covers " + tiles + " tiles for " + nq);
        require(k >= 1 && k <= chunk, "k " + k);
        require(
                cd.capacity() >= 4L * nq * chunks * k && ci.capacity() >= 4L * nq * chunks * k,
                "candidate buffers too small");
        for (int t = 0; t < tiles; t++) {
            int q0 = t * Kernels.MAX_QUERY_TILE;
            int qt = Math.min(Kernels.MAX_QUERY_TILE, nq - q0);
            require(
                    shared >= 4 * qt * (dim + chunk),
                    "search launched with " + shared + " bytes of shared memory, needs " + 4 * qt * (dim + chunk));
            for (int c = 0; c < chunks; c++) {
                int first = c * chunk;
                for (int j = 0; j < qt; j++) {
                    float[] dist = new float[chunk];
                    for (int r = 0; r < chunk; r++) {
                        int row = first + r;
                        if (row >= n) {
                            dist[r] = Float.POSITIVE_INFINITY;
                            continue;
                        }
                        float acc = 0;
                        for (int d = 0; d < dim; d++) {
                            float xv = load(rows, kind, (long) row * dim + d, off, step, d);
                            float qv = f(q, (long) (q0 + j) * dim + d);
                            acc = metric == Kernels.METRIC_L2 ? Math.fma(qv - xv, qv - xv, acc) : Math.fma(qv, xv, acc);
                        }
                        if (metric == Kernels.METRIC_L2) {
                            dist[r] = (float) Math.sqrt(acc);
                        } else if (metric == Kernels.METRIC_DOT) {
                            dist[r] = -acc;
                        } else {
                            float iv = f(inv, row);
                            dist[r] = iv == 0f ? 1f : 1f - acc * iv;
                        }
                    }
                    boolean[] taken = new boolean[chunk];
                    long out = ((long) (q0 + j) * chunks + c) * k;
                    for (int s = 0; s < k; s++) {
                        float bd = Float.POSITIVE_INFINITY;
                        int bi = -1;
                        for (int r = 0; r < chunk; r++) {
                            if (first + r < n && !taken[r] && better(dist[r], first + r, bd, bi)) {
                                bd = dist[r];
                                bi = first + r;
                            }
                        }
                        f(cd, out + s, bd);
                        ci.putInt((int) (4 * (out + s)), bi);
                        if (bi >= 0) {
                            taken[bi - first] = true;
                        }
                    }
                }
            }
        }
    }

    private static void merge(EmulatedCudaApi api, int nq, Object[] a) {
        ByteBuffer cd = m(api, a[0]);
        ByteBuffer ci = m(api, a[1]);
        int chunks = i(a[2]);
        int k = i(a[3]);
        ByteBuffer od = m(api, a[4]);
        ByteBuffer oi = m(api, a[5]);
        int mm = chunks * k;
        require(cd.capacity() >= 4L * nq * mm, "merge reads past the candidates");
        require(od.capacity() >= 4L * nq * k, "merge writes past the output");
        for (int q = 0; q < nq; q++) {
            for (int t = 0; t < k; t++) {
                float bd = Float.POSITIVE_INFINITY;
                int bi = -1;
                int bs = -1;
                for (int s = 0; s < mm; s++) {
                    long at = (long) q * mm + s;
                    int idx = ci.getInt((int) (4 * at));
                    if (better(f(cd, at), idx, bd, bi)) {
                        bd = f(cd, at);
                        bi = idx;
                        bs = s;
                    }
                }
                f(od, (long) q * k + t, bd);
                oi.putInt(4 * (q * k + t), bi);
                if (bs >= 0) {
                    ci.putInt((int) (4 * ((long) q * mm + bs)), -1);
                }
            }
        }
    }

    private static void invNorms(EmulatedCudaApi api, int kind, int gx, Object[] a) {
        ByteBuffer rows = m(api, a[0]);
        int n = i(a[1]);
        int dim = i(a[2]);
        ByteBuffer off = kind == 2 ? m(api, a[3]) : null;
        ByteBuffer step = kind == 2 ? m(api, a[4]) : null;
        ByteBuffer out = m(api, a[kind == 2 ? 5 : 3]);
        require((long) gx * 8 >= n, "inv_norms grid covers " + gx * 8 + " rows of " + n);
        for (int r = 0; r < n; r++) {
            float s = 0;
            for (int d = 0; d < dim; d++) {
                float x = load(rows, kind, (long) r * dim + d, off, step, d);
                s = Math.fma(x, x, s);
            }
            f(out, r, s > 0 ? (float) (1 / Math.sqrt(s)) : 0f);
        }
    }

    private static void gemm(EmulatedCudaApi api, int gx, int gy, Object[] a) {
        ByteBuffer A = m(api, a[0]);
        ByteBuffer W = m(api, a[1]);
        ByteBuffer bias = m(api, a[2]);
        ByteBuffer C = m(api, a[3]);
        int M = i(a[4]);
        int N = i(a[5]);
        int K = i(a[6]);
        require((long) gx * Kernels.GEMM_TILE >= N && (long) gy * Kernels.GEMM_TILE >= M, "gemm grid too small");
        require(
                A.capacity() >= 4L * M * K && W.capacity() >= 4L * N * K && C.capacity() >= 4L * M * N,
                "gemm operands too small for " + M + "x" + N + "x" + K);
        float[] w = new float[N * K];
        W.asFloatBuffer().get(0, w);
        float[] x = new float[K];
        for (int r = 0; r < M; r++) {
            A.asFloatBuffer().get(r * K, x);
            for (int c = 0; c < N; c++) {
                float s = 0;
                for (int t = 0; t < K; t++) {
                    s = Math.fma(x[t], w[c * K + t], s);
                }
                f(C, (long) r * N + c, s + (bias != null ? f(bias, c) : 0f));
            }
        }
    }

    private static void layerNorm(EmulatedCudaApi api, int rows, Object[] a) {
        ByteBuffer x = m(api, a[0]);
        ByteBuffer res = m(api, a[1]);
        ByteBuffer w = m(api, a[2]);
        ByteBuffer b = m(api, a[3]);
        ByteBuffer out = m(api, a[4]);
        int dim = i(a[5]);
        float eps = (Float) a[6];
        for (int r = 0; r < rows; r++) {
            float[] y = new float[dim];
            double mean = 0;
            for (int d = 0; d < dim; d++) {
                y[d] = f(x, (long) r * dim + d) + (res != null ? f(res, (long) r * dim + d) : 0f);
                mean += y[d];
            }
            mean /= dim;
            double var = 0;
            for (int d = 0; d < dim; d++) {
                var += (y[d] - mean) * (y[d] - mean);
            }
            double scale = 1 / Math.sqrt(var / dim + eps);
            for (int d = 0; d < dim; d++) {
                f(out, (long) r * dim + d, (float) ((y[d] - mean) * scale * f(w, d) + f(b, d)));
            }
        }
    }

    private static void rmsNorm(EmulatedCudaApi api, int rows, Object[] a) {
        ByteBuffer x = m(api, a[0]);
        ByteBuffer w = m(api, a[1]);
        ByteBuffer out = m(api, a[2]);
        int dim = i(a[3]);
        float eps = (Float) a[4];
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int d = 0; d < dim; d++) {
                ss += (double) f(x, (long) r * dim + d) * f(x, (long) r * dim + d);
            }
            double scale = 1 / Math.sqrt(ss / dim + eps);
            for (int d = 0; d < dim; d++) {
                f(out, (long) r * dim + d, (float) (f(x, (long) r * dim + d) * scale * f(w, d)));
            }
        }
    }

    private static void softmax(EmulatedCudaApi api, int rows, Object[] a) {
        ByteBuffer x = m(api, a[0]);
        int cols = i(a[1]);
        float[] v = new float[rows * cols];
        x.asFloatBuffer().get(0, v);
        dev.abi.gpu.kernels.HostReference.softmax(v, rows, cols);
        x.asFloatBuffer().put(0, v);
    }

    private static void gelu(EmulatedCudaApi api, int gx, int block, Object[] a) {
        ByteBuffer x = m(api, a[0]);
        int n = i(a[1]);
        require((long) gx * block >= n, "gelu grid covers " + (long) gx * block + " of " + n);
        for (int j = 0; j < n; j++) {
            f(x, j, dev.abi.gpu.kernels.HostReference.gelu(f(x, j)));
        }
    }

    private static void swiglu(EmulatedCudaApi api, int gx, int block, Object[] a) {
        ByteBuffer g = m(api, a[0]);
        ByteBuffer u = m(api, a[1]);
        ByteBuffer out = m(api, a[2]);
        int n = i(a[3]);
        require((long) gx * block >= n, "swiglu grid too small");
        for (int j = 0; j < n; j++) {
            f(out, j, dev.abi.gpu.kernels.HostReference.swiglu(f(g, j), f(u, j)));
        }
    }

    private static void add(EmulatedCudaApi api, int gx, int block, Object[] a) {
        ByteBuffer x = m(api, a[0]);
        ByteBuffer y = m(api, a[1]);
        ByteBuffer bias = m(api, a[2]);
        int n = i(a[3]);
        int dim = i(a[4]);
        require((long) gx * block >= n, "add grid too small");
        for (int j = 0; j < n; j++) {
            f(x, j, f(x, j) + (y != null ? f(y, j) : 0f) + (bias != null ? f(bias, j % dim) : 0f));
        }
    }

    private static void attention(EmulatedCudaApi api, int tokens, int heads, int shared, Object[] a) {
        ByteBuffer q = m(api, a[0]);
        ByteBuffer k = m(api, a[1]);
        ByteBuffer v = m(api, a[2]);
        ByteBuffer out = m(api, a[3]);
        ByteBuffer start = m(api, a[4]);
        ByteBuffer seqOf = m(api, a[5]);
        require(heads == i(a[6]), "attention grid.y " + heads + " is not the head count " + i(a[6]));
        int hd = i(a[7]);
        float scale = (Float) a[8];
        int width = heads * hd;
        for (int t = 0; t < tokens; t++) {
            int s = seqOf.getInt(4 * t);
            int from = start.getInt(4 * s);
            int len = start.getInt(4 * (s + 1)) - from;
            require(shared >= 4 * len, "attention shared memory " + shared + " < " + 4 * len);
            for (int h = 0; h < heads; h++) {
                float[] sc = new float[len];
                for (int j = 0; j < len; j++) {
                    float dot = 0;
                    for (int d = 0; d < hd; d++) {
                        dot = Math.fma(
                                f(q, (long) t * width + h * hd + d), f(k, (long) (from + j) * width + h * hd + d), dot);
                    }
                    sc[j] = dot * scale;
                }
                dev.abi.gpu.kernels.HostReference.softmax(sc, 1, len);
                for (int d = 0; d < hd; d++) {
                    float acc = 0;
                    for (int j = 0; j < len; j++) {
                        acc = Math.fma(sc[j], f(v, (long) (from + j) * width + h * hd + d), acc);
                    }
                    f(out, (long) t * width + h * hd + d, acc);
                }
            }
        }
    }

    private static void meanPool(EmulatedCudaApi api, int seqs, Object[] a) {
        ByteBuffer x = m(api, a[0]);
        ByteBuffer start = m(api, a[1]);
        ByteBuffer out = m(api, a[2]);
        int dim = i(a[3]);
        for (int s = 0; s < seqs; s++) {
            int from = start.getInt(4 * s);
            int len = start.getInt(4 * (s + 1)) - from;
            double ss = 0;
            float[] mean = new float[dim];
            for (int d = 0; d < dim; d++) {
                float acc = 0;
                for (int t = 0; t < len; t++) {
                    acc += f(x, (long) (from + t) * dim + d);
                }
                mean[d] = acc / len;
                ss += (double) mean[d] * mean[d];
            }
            float inv = ss > 0 ? (float) (1 / Math.sqrt(ss)) : 0f;
            for (int d = 0; d < dim; d++) {
                f(out, (long) s * dim + d, mean[d] * inv);
            }
        }
    }
}
