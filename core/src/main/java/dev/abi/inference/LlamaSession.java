package dev.abi.inference;

/**
 * One sequence being decoded: the KV cache ({@link KvCacheType#F16} by default, as llama.cpp's; see
 * {@link LlamaModel.Builder#kvCache}) and the scratch buffers of the forward pass. Not thread-safe; one per request.
 */
public final class LlamaSession {

    private static final InferenceKernels OPS = InferenceKernelsProvider.get();

    private final LlamaModel model;
    private final LlamaConfig c;
    private final KvCache cache;
    private int position;

    private final float[] x;
    private final float[] xb;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] attOut;
    private final float[] proj;
    private final float[] hb;
    private final float[] hb2;
    private final float[] logits;
    private final float[] ropeCos;
    private final float[] ropeSin;
    /** Inputs of the matrix products, one per form and length, reused for every token (see {@link MatrixInput}). */
    private final java.util.List<MatrixInput> inputs = new java.util.ArrayList<>();

    LlamaSession(LlamaModel model, KvCacheType cacheType) {
        this.model = model;
        this.c = model.config();
        cache = new KvCache(c, cacheType, OPS);
        x = new float[c.dim()];
        xb = new float[c.dim()];
        q = new float[c.dim()];
        k = new float[c.kvDim()];
        v = new float[c.kvDim()];
        attOut = new float[c.dim()];
        proj = new float[c.dim()];
        hb = new float[c.ffnDim()];
        hb2 = new float[c.ffnDim()];
        logits = new float[c.vocabSize()];
        ropeCos = new float[c.ropeDim() / 2];
        ropeSin = new float[c.ropeDim() / 2];
    }

    public int position() {
        return position;
    }

    /** How this session's KV cache holds keys and values. */
    public KvCacheType kvCacheType() {
        return cache.type();
    }

    /** Bytes this session's KV cache takes (the whole context, allocated when the session was created). */
    public long kvCacheBytes() {
        return cache.bytes();
    }

    /**
     * Feeds one token at the next position and returns the logits for the token after it (a view, overwritten by
     * the next call).
     *
     * @throws IllegalStateException when the context is full
     */
    public float[] forward(int token) {
        if (position >= c.contextLength()) {
            throw new IllegalStateException("the context of " + c.contextLength() + " tokens is full");
        }
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + c.vocabSize());
        }
        int pos = position;
        int hd = c.headDim();
        model.tokenEmbedding().row(token, x);
        ropeTables(pos);
        for (int l = 0; l < c.layers(); l++) {
            LlamaModel.Layer layer = model.layer(l);
            rmsNorm(xb, x, layer.attnNorm());
            MatrixInput in = input(layer.wq(), xb);
            layer.wq().matvec(in, q);
            in = sameOr(in, layer.wk(), xb);
            layer.wk().matvec(in, k);
            layer.wv().matvec(sameOr(in, layer.wv(), xb), v);
            addBiases(layer, q, k, v);
            rope(q, c.heads(), hd);
            rope(k, c.kvHeads(), hd);
            cache.put(l, pos, k, v);
            cache.attend(l, pos, q, attOut);
            layer.wo().matvec(input(layer.wo(), attOut), proj);
            for (int i = 0; i < c.dim(); i++) {
                x[i] += proj[i];
            }
            rmsNorm(xb, x, layer.ffnNorm());
            in = input(layer.gate(), xb);
            layer.gate().matvec(in, hb);
            layer.up().matvec(sameOr(in, layer.up(), xb), hb2);
            for (int i = 0; i < c.ffnDim(); i++) {
                float g = hb[i];
                hb[i] = g / (1f + (float) Math.exp(-g)) * hb2[i];
            }
            layer.down().matvec(input(layer.down(), hb), proj);
            for (int i = 0; i < c.dim(); i++) {
                x[i] += proj[i];
            }
        }
        rmsNorm(xb, x, model.outputNorm());
        model.output().matvec(input(model.output(), xb), logits);
        position++;
        return logits;
    }

    /** The session's input holder for {@code m}'s form and length, set to {@code x}. */
    private MatrixInput input(WeightMatrix m, float[] x) {
        for (MatrixInput in : inputs) {
            if (in.fits(m)) {
                return in.set(x);
            }
        }
        MatrixInput in = m.newInput();
        inputs.add(in);
        return in.set(x);
    }

    /** {@code prev} when it already holds {@code x} in the form {@code m} takes (converted once), else {@code x} anew. */
    private MatrixInput sameOr(MatrixInput prev, WeightMatrix m, float[] x) {
        return prev.fits(m) ? prev : input(m, x);
    }

    /**
     * Tokens a prefill pass holds in its buffers at once: a longer prompt runs in passes of this many, which keeps its
     * heap at ~13 MB for Llama-3.2-1B's shape (25,600 floats a token) where all 512 tokens of a long prompt at once
     * took ~52 MB, for a heap capped to what inference needs. Each pass still reads every weight row once for all its
     * tokens; the logits are the same whatever the split (every token's products are its own).
     */
    static final int PREFILL_CHUNK = 128;

    /**
     * Feeds a prompt at the next positions, reading each weight row once for all its tokens (matrix-matrix, in passes
     * of {@value #PREFILL_CHUNK} tokens), and returns the logits after its last token. Gives exactly the logits of
     * feeding the tokens one by one.
     *
     * @throws IllegalStateException when the prompt does not fit the context
     */
    public float[] prefill(int[] tokens) {
        return prefill(tokens, PREFILL_CHUNK);
    }

    /** {@link #prefill(int[])} in passes of {@code chunk} tokens (tests choose small ones). */
    float[] prefill(int[] tokens, int chunk) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("an empty prompt");
        }
        if (position + n > c.contextLength()) {
            throw new IllegalStateException("the context of " + c.contextLength() + " tokens is full");
        }
        for (int token : tokens) {
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException(
                        "token id " + token + " is outside the vocabulary of " + c.vocabSize());
            }
        }
        PrefillBuffers b = new PrefillBuffers(Math.min(n, chunk));
        for (int from = 0; from < n; from += chunk) {
            prefillPass(tokens, from, Math.min(n, from + chunk), b);
        }
        rmsNorm(xb, b.xs[(n - 1) % chunk], model.outputNorm());
        model.output().matvec(xb, logits);
        return logits;
    }

    /** The activations of one prefill pass, one row per token, reused by every pass of a prompt. */
    private final class PrefillBuffers {
        final float[][] xs;
        final float[][] xbs;
        final float[][] qs;
        final float[][] ks;
        final float[][] vs;
        final float[][] outs;
        final float[][] hs;
        final float[][] h2s;

        PrefillBuffers(int n) {
            xs = new float[n][c.dim()];
            xbs = new float[n][c.dim()];
            qs = new float[n][c.dim()];
            ks = new float[n][c.kvDim()];
            vs = new float[n][c.kvDim()];
            outs = new float[n][c.dim()];
            hs = new float[n][c.ffnDim()];
            h2s = new float[n][c.ffnDim()];
        }
    }

    /** Tokens {@code from..to} of a prompt through every layer at the next positions; their last state in b.xs. */
    private void prefillPass(int[] tokens, int from, int to, PrefillBuffers b) {
        int n = to - from;
        int hd = c.headDim();
        float[][] xs = b.xs;
        float[][] xbs = b.xbs;
        float[][] qs = b.qs;
        float[][] ks = b.ks;
        float[][] vs = b.vs;
        float[][] outs = b.outs;
        float[][] hs = b.hs;
        float[][] h2s = b.h2s;
        for (int t = 0; t < n; t++) {
            model.tokenEmbedding().row(tokens[from + t], xs[t]);
        }
        for (int l = 0; l < c.layers(); l++) {
            LlamaModel.Layer layer = model.layer(l);
            for (int t = 0; t < n; t++) {
                rmsNorm(xbs[t], xs[t], layer.attnNorm());
            }
            layer.wq().matmul(xbs, n, qs);
            layer.wk().matmul(xbs, n, ks);
            layer.wv().matmul(xbs, n, vs);
            for (int t = 0; t < n; t++) {
                addBiases(layer, qs[t], ks[t], vs[t]);
                int pos = position + t;
                ropeTables(pos);
                rope(qs[t], c.heads(), hd);
                rope(ks[t], c.kvHeads(), hd);
                cache.put(l, pos, ks[t], vs[t]);
            }
            for (int t = 0; t < n; t++) {
                cache.attend(l, position + t, qs[t], outs[t]);
            }
            layer.wo().matmul(outs, n, xbs);
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < c.dim(); i++) {
                    xs[t][i] += xbs[t][i];
                }
                rmsNorm(xbs[t], xs[t], layer.ffnNorm());
            }
            layer.gate().matmul(xbs, n, hs);
            layer.up().matmul(xbs, n, h2s);
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < c.ffnDim(); i++) {
                    float g = hs[t][i];
                    hs[t][i] = g / (1f + (float) Math.exp(-g)) * h2s[t][i];
                }
            }
            layer.down().matmul(hs, n, outs);
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < c.dim(); i++) {
                    xs[t][i] += outs[t][i];
                }
            }
        }
        position += n;
    }

    private void ropeTables(int pos) {
        float thetaScale = (float) Math.pow(c.ropeBase(), -2.0 / c.ropeDim());
        float[] factors = model.ropeFactors();
        float theta = pos;
        for (int i = 0; i < ropeCos.length; i++) {
            float t = factors == null ? theta : theta / factors[i];
            ropeCos[i] = (float) Math.cos(t);
            ropeSin[i] = (float) Math.sin(t);
            theta *= thetaScale;
        }
    }

    private static void addBiases(LlamaModel.Layer layer, float[] q, float[] k, float[] v) {
        add(q, layer.bq());
        add(k, layer.bk());
        add(v, layer.bv());
    }

    private static void add(float[] x, float[] bias) {
        if (bias != null) {
            for (int i = 0; i < x.length; i++) {
                x[i] += bias[i];
            }
        }
    }

    /**
     * Rotates pairs of the first {@code ropeDim} elements of each head: adjacent pairs (2i, 2i+1) for Llama, split
     * halves (i, i + ropeDim/2) for the NEOX rope type of Qwen2.
     */
    private void rope(float[] vec, int heads, int hd) {
        if (c.neoxRope()) {
            int half = c.ropeDim() / 2;
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < half; i++) {
                    int at = h * hd + i;
                    float a = vec[at];
                    float b = vec[at + half];
                    vec[at] = a * ropeCos[i] - b * ropeSin[i];
                    vec[at + half] = a * ropeSin[i] + b * ropeCos[i];
                }
            }
            return;
        }
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < c.ropeDim() / 2; i++) {
                int at = h * hd + 2 * i;
                float a = vec[at];
                float b = vec[at + 1];
                vec[at] = a * ropeCos[i] - b * ropeSin[i];
                vec[at + 1] = a * ropeSin[i] + b * ropeCos[i];
            }
        }
    }

    private void rmsNorm(float[] out, float[] in, float[] weight) {
        double ss = 0;
        for (float f : in) {
            ss += (double) f * f;
        }
        float mean = (float) (ss / in.length);
        float scale = (float) (1.0 / Math.sqrt(mean + c.rmsEps()));
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] * scale * weight[i];
        }
    }
}
