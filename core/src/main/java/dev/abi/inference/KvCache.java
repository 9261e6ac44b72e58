package dev.abi.inference;

import java.util.Arrays;

/**
 * The keys and values of one sequence's past positions, for every layer, and attention over them. Held as half floats
 * ({@link KvCacheType#F16}, widened one head row at a time as attention reads it) or as floats
 * ({@link KvCacheType#F32}). The whole context is allocated up front, as llama.cpp does, so decoding allocates
 * nothing per token. Not thread-safe: one per {@link LlamaSession}.
 */
final class KvCache {

    private final KvCacheType type;
    private final InferenceKernels ops;
    private final int contextLength;
    private final int kvDim;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int groups;
    private final float scale;
    /** F16: one array of {@code contextLength * kvDim} half floats per layer; null for F32. */
    private final short[][] halfKeys;

    private final short[][] halfValues;
    /** F32: the same layout as floats; null for F16. */
    private final float[][] keys;

    private final float[][] values;
    /** Scratch, reused for every call: the query as F16 rounds it, one widened head row, scores, softmax norms. */
    private final float[] query;

    private final float[] row;
    private final float[] att;
    private final float[] inv;

    KvCache(LlamaConfig c, KvCacheType type, InferenceKernels ops) {
        this.type = type;
        this.ops = ops;
        this.contextLength = c.contextLength();
        this.kvDim = c.kvDim();
        this.heads = c.heads();
        this.kvHeads = c.kvHeads();
        this.headDim = c.headDim();
        this.groups = heads / kvHeads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        long elements = (long) contextLength * kvDim;
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a KV cache of " + contextLength + " positions x " + kvDim
                    + " does not fit one array per layer (context_length too large)");
        }
        boolean half = type == KvCacheType.F16;
        halfKeys = half ? new short[c.layers()][(int) elements] : null;
        halfValues = half ? new short[c.layers()][(int) elements] : null;
        keys = half ? null : new float[c.layers()][(int) elements];
        values = half ? null : new float[c.layers()][(int) elements];
        query = new float[c.dim()];
        row = new float[headDim];
        att = new float[groups * contextLength];
        inv = new float[groups];
    }

    KvCacheType type() {
        return type;
    }

    /** Bytes the cached keys and values take (the scratch buffers left out). */
    long bytes() {
        return 2L * (halfKeys != null ? halfKeys.length : keys.length) * contextLength * kvDim * type.bytesPerElement();
    }

    /** Stores the key {@code k} and value {@code v} ({@code kvDim} each) of {@code layer} at position {@code pos}. */
    void put(int layer, int pos, float[] k, float[] v) {
        int at = pos * kvDim;
        if (halfKeys != null) {
            short[] kc = halfKeys[layer];
            short[] vc = halfValues[layer];
            for (int i = 0; i < kvDim; i++) {
                kc[at + i] = Float.floatToFloat16(k[i]);
                vc[at + i] = Float.floatToFloat16(v[i]);
            }
        } else {
            System.arraycopy(k, 0, keys[layer], at, kvDim);
            System.arraycopy(v, 0, values[layer], at, kvDim);
        }
    }

    /**
     * Attention of query {@code q} (all heads, {@code dim} floats) at {@code pos} over the cached keys and values of
     * {@code layer} at positions 0..pos, into {@code out}. Heads that share a KV head (grouped query attention) are
     * served together, so each cached row is widened once, not once per head. Every head's sums run in the same
     * order whichever the cache type: with F16 the result is bit for bit that of a float cache holding the
     * F16-rounded keys and values, a query rounded to F16 and attention weights rounded to F16.
     */
    void attend(int layer, int pos, float[] q, float[] out) {
        boolean half = halfKeys != null;
        float[] qs = q;
        if (half) {
            for (int i = 0; i < heads * headDim; i++) {
                query[i] = Float16.round(q[i]); // the query as the F16 cache's dot product sees it
            }
            qs = query;
        }
        for (int kvh = 0; kvh < kvHeads; kvh++) {
            int h0 = kvh * groups;
            int ro = kvh * headDim;
            for (int t = 0; t <= pos; t++) {
                float[] kr = half ? widen(halfKeys[layer], t * kvDim + ro) : keys[layer];
                int ko = half ? 0 : t * kvDim + ro;
                for (int g = 0; g < groups; g++) {
                    att[g * contextLength + t] = ops.dotOrdered(qs, (h0 + g) * headDim, kr, ko, headDim) * scale;
                }
            }
            for (int g = 0; g < groups; g++) {
                inv[g] = softmax(g * contextLength, pos);
                int qo = (h0 + g) * headDim;
                Arrays.fill(out, qo, qo + headDim, 0f);
            }
            for (int t = 0; t <= pos; t++) {
                float[] vr = half ? widen(halfValues[layer], t * kvDim + ro) : values[layer];
                int vo = half ? 0 : t * kvDim + ro;
                for (int g = 0; g < groups; g++) {
                    float w = att[g * contextLength + t] * inv[g];
                    ops.axpy(half ? Float16.round(w) : w, vr, vo, out, (h0 + g) * headDim, headDim);
                }
            }
        }
    }

    /** {@code att[from..from+pos]} to exponentials of their distance from the maximum; returns 1 / their sum. */
    private float softmax(int from, int pos) {
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t <= pos; t++) {
            max = Math.max(max, att[from + t]);
        }
        double sum = 0;
        for (int t = 0; t <= pos; t++) {
            float e = (float) Math.exp(att[from + t] - max);
            att[from + t] = e;
            sum += e;
        }
        return (float) (1.0 / sum);
    }

    /** One head row of half floats widened into {@link #row}. */
    private float[] widen(short[] cache, int offset) {
        ops.halfToFloat(cache, offset, row, 0, headDim);
        return row;
    }
}
