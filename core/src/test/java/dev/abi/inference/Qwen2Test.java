package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code qwen2} architecture: rotary embeddings on split halves (NEOX) and biases on Q, K and V. The stories
 * model is rewritten as a qwen2 file (its Q and K rows put back in the split-half order that llama.cpp's converter
 * permutes away for llama), which must then behave as the llama original; with random biases its logits must match
 * a plain double-precision forward pass written out in this test.
 */
class Qwen2Test {

    private static final Path F32 = GreedyGenerationTest.MODELS.resolve("stories260K-f32.gguf");

    @TempDir
    Path tmp;

    @BeforeEach
    void needsModel() {
        Assumptions.assumeTrue(
                Files.exists(F32), "skipped: " + F32.toAbsolutePath().normalize() + " is absent");
    }

    /** The stories model as qwen2: keys renamed, Q/K rows un-permuted, and the given biases (zero when null). */
    private Path asQwen2(String name, long seed, float biasScale, boolean dropBiases) throws Exception {
        GgufWriter w = new GgufWriter();
        Random rnd = new Random(seed);
        try (GgufFile f = GgufFile.open(F32)) {
            LlamaConfig c = LlamaConfig.from(f);
            f.metadata().forEach((k, v) -> {
                if (!(v instanceof Object[]) || v instanceof String[]) {
                    w.put(k.startsWith("llama.") ? "qwen2." + k.substring(6) : k, v);
                }
            });
            w.put("general.architecture", "qwen2");
            for (GgufTensorInfo t : f.tensors().values()) {
                ByteBuffer b = f.map(t.name()).order(ByteOrder.LITTLE_ENDIAN);
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                if (t.name().endsWith("attn_q.weight") || t.name().endsWith("attn_k.weight")) {
                    bytes = splitHalves(bytes, (int) t.dims()[0], c.headDim());
                }
                w.tensor(t.name(), t.dims(), t.type(), bytes);
            }
            if (!dropBiases) {
                for (int l = 0; l < c.layers(); l++) {
                    w.tensor("blk." + l + ".attn_q.bias", new long[] {c.dim()}, random(rnd, c.dim(), biasScale));
                    w.tensor("blk." + l + ".attn_k.bias", new long[] {c.kvDim()}, random(rnd, c.kvDim(), biasScale));
                    w.tensor("blk." + l + ".attn_v.bias", new long[] {c.kvDim()}, random(rnd, c.kvDim(), biasScale));
                }
            }
        }
        Path out = tmp.resolve(name + ".gguf");
        w.write(out);
        return out;
    }

    private static float[] random(Random rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * scale;
        }
        return v;
    }

    /** F32 rows in llama's interleaved order (2i + j) moved to split-half order (j * hd/2 + i), head by head. */
    private static byte[] splitHalves(byte[] rows, int cols, int hd) {
        byte[] out = new byte[rows.length];
        int rowBytes = cols * 4;
        int n = rows.length / rowBytes;
        for (int r = 0; r < n; r++) {
            int head = r / hd;
            int within = r % hd;
            int i = within / 2;
            int j = within % 2;
            int to = head * hd + j * (hd / 2) + i;
            System.arraycopy(rows, r * rowBytes, out, to * rowBytes, rowBytes);
        }
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void withZeroBiasesTheQwen2RewriteGeneratesWhatTheLlamaOriginalDoes() throws Exception {
        Path qwen = asQwen2("qwen-zero", 1, 0f, false);
        try (LlamaModel llama = LlamaModel.load(F32);
                LlamaModel q2 = LlamaModel.load(qwen)) {
            assertEquals("qwen2", q2.config().architecture());
            assertTrue(q2.config().neoxRope());
            LlamaSession a = llama.newSession();
            LlamaSession b = q2.newSession();
            int token = 1;
            for (int step = 0; step < 40; step++) {
                float[] la = a.forward(token);
                float[] lb = b.forward(token);
                for (int i = 0; i < la.length; i++) {
                    assertEquals(la[i], lb[i], 2e-3f * Math.max(1f, Math.abs(la[i])), "step " + step + ", logit " + i);
                }
                token = argmax(la);
                assertEquals(token, argmax(lb), "step " + step);
            }
        }
    }

    @Test
    void biasesAreAppliedAsAPlainForwardPassDoes() throws Exception {
        Path qwen = asQwen2("qwen-bias", 7, 0.3f, false);
        int[] prompt = {1, 403, 407, 261, 378, 300, 29};
        try (LlamaModel m = LlamaModel.load(qwen)) {
            float[] fast = m.newSession().prefill(prompt).clone();
            double[] plain = new PlainForward(m).logitsAfter(prompt);
            double maxDiff = 0;
            for (int i = 0; i < fast.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(fast[i] - plain[i]));
            }
            assertTrue(maxDiff < 0.02, "largest logit difference " + maxDiff);
            assertEquals(argmax(fast), argmaxD(plain));

            try (LlamaModel zero = LlamaModel.load(asQwen2("qwen-zero2", 7, 0f, false))) {
                float[] unbiased = zero.newSession().prefill(prompt);
                double moved = 0;
                for (int i = 0; i < fast.length; i++) {
                    moved = Math.max(moved, Math.abs(fast[i] - unbiased[i]));
                }
                assertTrue(moved > 0.1, "the biases change the logits (largest change " + moved + ")");
            }
        }
    }

    @Test
    void aQwen2FileWithoutBiasesIsRejectedNamingTheTensor() throws Exception {
        Path qwen = asQwen2("qwen-nobias", 1, 0f, true);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(qwen));
        assertTrue(e.getMessage().contains("blk.0.attn_q.bias"), e.getMessage());
    }

    private static int argmaxD(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The qwen2 forward pass in doubles, straight from the architecture's definition, with no cache rounding. */
    private static final class PlainForward {
        private final LlamaModel m;
        private final LlamaConfig c;

        PlainForward(LlamaModel m) {
            this.m = m;
            this.c = m.config();
        }

        private static double[] matvec(WeightMatrix w, double[] x) {
            float[] row = new float[w.cols()];
            double[] out = new double[w.rows()];
            for (int r = 0; r < w.rows(); r++) {
                w.row(r, row);
                double s = 0;
                for (int i = 0; i < row.length; i++) {
                    s += row[i] * x[i];
                }
                out[r] = s;
            }
            return out;
        }

        private double[] norm(double[] x, float[] weight) {
            double ss = 0;
            for (double v : x) {
                ss += v * v;
            }
            double scale = 1 / Math.sqrt(ss / x.length + c.rmsEps());
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = x[i] * scale * weight[i];
            }
            return out;
        }

        private void ropeHalves(double[] v, int heads, int pos) {
            int hd = c.headDim();
            int half = c.ropeDim() / 2;
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < half; i++) {
                    double theta = pos * Math.pow(c.ropeBase(), -2.0 * i / c.ropeDim());
                    double a = v[h * hd + i];
                    double b = v[h * hd + i + half];
                    v[h * hd + i] = a * Math.cos(theta) - b * Math.sin(theta);
                    v[h * hd + i + half] = a * Math.sin(theta) + b * Math.cos(theta);
                }
            }
        }

        private static void add(double[] x, float[] b) {
            for (int i = 0; i < x.length; i++) {
                x[i] += b[i];
            }
        }

        double[] logitsAfter(int[] tokens) {
            int n = tokens.length;
            int hd = c.headDim();
            double[][][] keys = new double[c.layers()][n][];
            double[][][] values = new double[c.layers()][n][];
            double[] x = null;
            float[] emb = new float[c.dim()];
            for (int pos = 0; pos < n; pos++) {
                m.tokenEmbedding().row(tokens[pos], emb);
                x = new double[c.dim()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = emb[i];
                }
                for (int l = 0; l < c.layers(); l++) {
                    LlamaModel.Layer layer = m.layer(l);
                    double[] xb = norm(x, layer.attnNorm());
                    double[] q = matvec(layer.wq(), xb);
                    double[] k = matvec(layer.wk(), xb);
                    double[] v = matvec(layer.wv(), xb);
                    add(q, layer.bq());
                    add(k, layer.bk());
                    add(v, layer.bv());
                    ropeHalves(q, c.heads(), pos);
                    ropeHalves(k, c.kvHeads(), pos);
                    keys[l][pos] = k;
                    values[l][pos] = v;
                    double[] att = new double[c.dim()];
                    int group = c.heads() / c.kvHeads();
                    for (int h = 0; h < c.heads(); h++) {
                        int kvh = h / group;
                        double[] w = new double[pos + 1];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int t = 0; t <= pos; t++) {
                            double s = 0;
                            for (int i = 0; i < hd; i++) {
                                s += q[h * hd + i] * keys[l][t][kvh * hd + i];
                            }
                            w[t] = s / Math.sqrt(hd);
                            max = Math.max(max, w[t]);
                        }
                        double sum = 0;
                        for (int t = 0; t <= pos; t++) {
                            w[t] = Math.exp(w[t] - max);
                            sum += w[t];
                        }
                        for (int t = 0; t <= pos; t++) {
                            for (int i = 0; i < hd; i++) {
                                att[h * hd + i] += w[t] / sum * values[l][t][kvh * hd + i];
                            }
                        }
                    }
                    double[] o = matvec(layer.wo(), att);
                    for (int i = 0; i < x.length; i++) {
                        x[i] += o[i];
                    }
                    xb = norm(x, layer.ffnNorm());
                    double[] g = matvec(layer.gate(), xb);
                    double[] u = matvec(layer.up(), xb);
                    for (int i = 0; i < g.length; i++) {
                        g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                    }
                    double[] d = matvec(layer.down(), g);
                    for (int i = 0; i < x.length; i++) {
                        x[i] += d[i];
                    }
                }
            }
            return matvec(m.output(), norm(x, m.outputNorm()));
        }
    }
}
