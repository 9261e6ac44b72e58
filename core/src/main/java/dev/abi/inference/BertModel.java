package dev.abi.inference;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A BERT sentence-embedding model over a memory-mapped GGUF file ({@code general.architecture = bert}, as llama.cpp
 * writes it): token, position and token-type embeddings, post-LayerNorm encoder blocks with GELU, then mean, CLS or
 * last-token pooling ({@code bert.pooling_type}) and L2 normalization.
 *
 * <p>A batch of sentences is packed into one matrix (no padding): every weight row is read once for all tokens of
 * all sentences, and attention runs within each sentence only, which is what an attention mask does. Thread-safe:
 * each call has its own buffers.
 */
public final class BertModel implements Embedder, AutoCloseable {

    /** The shape read from {@code bert.*} metadata. */
    public record Config(int dim, int layers, int heads, int ffnDim, int contextLength, float eps, Pooling pooling) {

        public int headDim() {
            return dim / heads;
        }
    }

    /** How token vectors become one vector (llama.cpp's {@code LLAMA_POOLING_TYPE} ids 1, 2, 3). */
    public enum Pooling {
        MEAN,
        CLS,
        LAST
    }

    private record Layer(
            WeightMatrix wq,
            float[] bq,
            WeightMatrix wk,
            float[] bk,
            WeightMatrix wv,
            float[] bv,
            WeightMatrix wo,
            float[] bo,
            float[] attnNormW,
            float[] attnNormB,
            WeightMatrix up,
            float[] bUp,
            WeightMatrix down,
            float[] bDown,
            float[] outNormW,
            float[] outNormB) {}

    private static final InferenceKernels OPS = InferenceKernelsProvider.get();

    private final GgufFile file;
    private final String name;
    private final Config config;
    private final WordPieceTokenizer tokenizer;
    private final WeightMatrix tokenEmbedding;
    private final float[] positions;
    private final float[] tokenType0;
    private final float[] embNormW;
    private final float[] embNormB;
    private final Layer[] layers;

    private BertModel(GgufFile f, String name) {
        this.file = f;
        this.name = name;
        String arch = f.string("general.architecture");
        if (!arch.equals("bert")) {
            throw new UnsupportedModelException(
                    f.path() + ": architecture '" + arch + "' is not an embedding model" + " (bert is)");
        }
        int dim = positive("bert.embedding_length");
        int heads = positive("bert.attention.head_count");
        if (dim % heads != 0) {
            throw new ModelFormatException(f.path() + ": " + heads + " heads do not divide width " + dim);
        }
        long poolingId = f.integer("bert.pooling_type", 1);
        Pooling pooling = switch ((int) poolingId) {
            case 1 -> Pooling.MEAN;
            case 2 -> Pooling.CLS;
            case 3 -> Pooling.LAST;
            default ->
                throw new UnsupportedModelException(f.path() + ": bert.pooling_type " + poolingId
                        + " is not supported (1 mean, 2 cls, 3 last are)");
        };
        this.config = new Config(
                dim,
                positive("bert.block_count"),
                heads,
                positive("bert.feed_forward_length"),
                positive("bert.context_length"),
                f.real("bert.attention.layer_norm_epsilon", 1e-12f),
                pooling);
        this.tokenizer = WordPieceTokenizer.from(f);
        int vocab = f.strings("tokenizer.ggml.tokens").length;
        this.tokenEmbedding = matrix("token_embd.weight", dim, vocab);
        this.positions = floats("position_embd.weight", (long) dim * config.contextLength());
        float[] types = floats("token_types.weight", -1);
        if (types.length < dim || types.length % dim != 0) {
            throw new ModelFormatException(f.path() + ": token_types.weight has " + types.length + " values");
        }
        this.tokenType0 = Arrays.copyOf(types, dim);
        this.embNormW = floats("token_embd_norm.weight", dim);
        this.embNormB = floats("token_embd_norm.bias", dim);
        this.layers = new Layer[config.layers()];
        int ffn = config.ffnDim();
        for (int l = 0; l < layers.length; l++) {
            String p = "blk." + l + ".";
            layers[l] = new Layer(
                    matrix(p + "attn_q.weight", dim, dim),
                    floats(p + "attn_q.bias", dim),
                    matrix(p + "attn_k.weight", dim, dim),
                    floats(p + "attn_k.bias", dim),
                    matrix(p + "attn_v.weight", dim, dim),
                    floats(p + "attn_v.bias", dim),
                    matrix(p + "attn_output.weight", dim, dim),
                    floats(p + "attn_output.bias", dim),
                    floats(p + "attn_output_norm.weight", dim),
                    floats(p + "attn_output_norm.bias", dim),
                    matrix(p + "ffn_up.weight", dim, ffn),
                    floats(p + "ffn_up.bias", ffn),
                    matrix(p + "ffn_down.weight", ffn, dim),
                    floats(p + "ffn_down.bias", dim),
                    floats(p + "layer_output_norm.weight", dim),
                    floats(p + "layer_output_norm.bias", dim));
        }
    }

    /**
     * Loads an embedding model: maps the file and checks every tensor's shape.
     *
     * @throws ModelFormatException naming the file and what is wrong
     * @throws UnsupportedModelException when the file is not a BERT model
     */
    public static BertModel load(Path path) {
        String file = path.getFileName().toString();
        return load(path, file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file);
    }

    /** As {@link #load(Path)}, served under {@code name}. */
    public static BertModel load(Path path, String name) {
        GgufFile f = GgufFile.open(path);
        try {
            return new BertModel(f, name);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return config.dim();
    }

    @Override
    public int countTokens(String text) {
        return tokenizer.encode(text).length;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int maxTokens() {
        return config.contextLength();
    }

    /**
     * {@code [CLS]}, the text's tokens and {@code [SEP]}; a text longer than the context keeps its first tokens (the
     * caller decides whether that is an error).
     */
    @Override
    public int[] tokenize(String text) {
        int[] body = tokenizer.encode(text);
        int n = Math.min(body.length, maxTokens() - 2);
        int[] ids = new int[n + 2];
        ids[0] = tokenizer.cls();
        System.arraycopy(body, 0, ids, 1, n);
        ids[n + 1] = tokenizer.sep();
        return ids;
    }

    /** The embeddings of {@code texts}, one unit vector each, in one batch. */
    @Override
    public float[][] embed(List<String> texts) {
        return embedTokens(texts.stream().map(this::tokenize).toList());
    }

    /**
     * The embeddings of already tokenized sequences ({@code [CLS] ... [SEP]}), computed as one batch.
     *
     * @throws IllegalArgumentException when a sequence is empty, too long or holds an id outside the vocabulary
     */
    @Override
    public float[][] embedTokens(List<int[]> sequences) {
        int total = 0;
        for (int[] s : sequences) {
            if (s.length == 0 || s.length > maxTokens()) {
                throw new IllegalArgumentException(
                        "a sequence of " + s.length + " tokens (1 to " + maxTokens() + " allowed)");
            }
            total += s.length;
        }
        int dim = config.dim();
        float[][] x = new float[total][dim];
        int[] start = new int[sequences.size() + 1];
        int row = 0;
        for (int s = 0; s < sequences.size(); s++) {
            start[s] = row;
            int[] ids = sequences.get(s);
            for (int p = 0; p < ids.length; p++, row++) {
                if (ids[p] < 0 || ids[p] >= tokenEmbedding.rows()) {
                    throw new IllegalArgumentException("token id " + ids[p] + " is outside the vocabulary");
                }
                tokenEmbedding.row(ids[p], x[row]);
                OPS.addLayerNorm(x[row], tokenType0, positions, p * dim, embNormW, embNormB, config.eps());
            }
        }
        start[sequences.size()] = total;

        float[][] q = new float[total][dim];
        float[][] k = new float[total][dim];
        float[][] v = new float[total][dim];
        float[][] att = new float[total][dim];
        float[][] h = new float[total][dim];
        float[][] ff = new float[total][config.ffnDim()];
        short[] half = new short[config.ffnDim()];
        for (Layer layer : layers) {
            layer.wq().matmulFloat(x, total, q);
            layer.wk().matmulFloat(x, total, k);
            layer.wv().matmulFloat(x, total, v);
            for (int t = 0; t < total; t++) {
                addInPlace(q[t], layer.bq());
                addInPlace(k[t], layer.bk());
                addInPlace(v[t], layer.bv());
            }
            for (int s = 0; s < sequences.size(); s++) {
                attend(q, k, v, att, start[s], start[s + 1]);
            }
            layer.wo().matmulFloat(att, total, h);
            for (int t = 0; t < total; t++) {
                OPS.addLayerNorm(h[t], layer.bo(), x[t], 0, layer.attnNormW(), layer.attnNormB(), config.eps());
            }
            layer.up().matmulFloat(h, total, ff);
            for (int t = 0; t < total; t++) {
                Gelu.applyWithBias(ff[t], layer.bUp(), half);
            }
            layer.down().matmulFloat(ff, total, x);
            for (int t = 0; t < total; t++) {
                OPS.addLayerNorm(x[t], layer.bDown(), h[t], 0, layer.outNormW(), layer.outNormB(), config.eps());
            }
        }

        float[][] out = new float[sequences.size()][];
        for (int s = 0; s < sequences.size(); s++) {
            out[s] = normalize(pool(x, start[s], start[s + 1]));
        }
        return out;
    }

    /**
     * Softmax attention of the tokens {@code from..to} over each other (bidirectional), head by head, as two small
     * matrix products on the register-tiled kernel: scores = Q K^T (keys packed as panels) and out = P V.
     */
    private void attend(float[][] q, float[][] k, float[][] v, float[][] out, int from, int to) {
        int n = to - from;
        int hd = config.headDim();
        int w = OPS.panelWidth();
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[][] qh = new float[n][hd];
        float[][] scores = new float[n][n];
        float[][] oh = new float[n][hd];
        float[] keyPanel = new float[hd * w];
        float[] valuePanel = new float[n * w];
        for (int head = 0; head < config.heads(); head++) {
            int o = head * hd;
            for (int i = 0; i < n; i++) {
                float[] src = q[from + i];
                for (int d = 0; d < hd; d++) {
                    qh[i][d] = src[o + d] * scale;
                }
            }
            for (int jb = 0; jb < n; jb += w) {
                int count = Math.min(w, n - jb);
                if (count < w) {
                    Arrays.fill(keyPanel, 0f);
                }
                for (int jj = 0; jj < count; jj++) {
                    float[] key = k[from + jb + jj];
                    for (int d = 0, at = jj; d < hd; d++, at += w) {
                        keyPanel[at] = key[o + d];
                    }
                }
                OPS.gemmPanel(keyPanel, hd, qh, 0, n, scores, jb, count);
            }
            for (int i = 0; i < n; i++) {
                float[] row = scores[i];
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    max = Math.max(max, row[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    row[j] = (float) Math.exp(row[j] - max);
                    sum += row[j];
                }
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < n; j++) {
                    row[j] *= inv;
                }
            }
            for (int db = 0; db < hd; db += w) {
                int count = Math.min(w, hd - db);
                if (count < w) {
                    Arrays.fill(valuePanel, 0f);
                }
                for (int j = 0; j < n; j++) {
                    System.arraycopy(v[from + j], o + db, valuePanel, j * w, count);
                }
                OPS.gemmPanel(valuePanel, n, scores, 0, n, oh, db, count);
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(oh[i], 0, out[from + i], o, hd);
            }
        }
    }

    private float[] pool(float[][] x, int from, int to) {
        return switch (config.pooling()) {
            case CLS -> x[from].clone();
            case LAST -> x[to - 1].clone();
            case MEAN -> {
                float[] m = new float[config.dim()];
                for (int t = from; t < to; t++) {
                    for (int i = 0; i < m.length; i++) {
                        m[i] += x[t][i];
                    }
                }
                float inv = 1f / (to - from);
                for (int i = 0; i < m.length; i++) {
                    m[i] *= inv;
                }
                yield m;
            }
        };
    }

    private static float[] normalize(float[] v) {
        double ss = 0;
        for (float f : v) {
            ss += (double) f * f;
        }
        float inv = ss > 0 ? (float) (1.0 / Math.sqrt(ss)) : 0f;
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private static void addInPlace(float[] x, float[] b) {
        for (int i = 0; i < x.length; i++) {
            x[i] += b[i];
        }
    }

    private int positive(String key) {
        long v = file.integer(key);
        if (v <= 0 || v > 1 << 24) {
            throw new ModelFormatException(file.path() + ": metadata '" + key + "' = " + v + " is out of range");
        }
        return (int) v;
    }

    private WeightMatrix matrix(String name, int cols, int rows) {
        GgufTensorInfo info = file.tensor(name);
        if (info.dims().length != 2 || info.dims()[0] != cols || info.dims()[1] != rows) {
            throw new ModelFormatException(file.path() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(info.dims()) + ", expected [" + cols + ", " + rows + "]");
        }
        return WeightMatrix.of(info, file.map(name));
    }

    /** An F32 tensor's values; {@code length} -1 accepts any length. */
    private float[] floats(String name, long length) {
        GgufTensorInfo info = file.tensor(name);
        if (info.type() != GgmlType.F32 || (length >= 0 && info.elements() != length)) {
            throw new ModelFormatException(file.path() + ": tensor '" + name + "' must be F32 of " + length
                    + " elements, is " + info.type() + " " + Arrays.toString(info.dims()));
        }
        float[] out = new float[(int) info.elements()];
        file.map(name).asFloatBuffer().get(out);
        return out;
    }

    @Override
    public void close() {
        file.close();
    }

    /**
     * GELU as ggml computes it on CPUs: the tanh approximation, looked up for the input rounded to half precision,
     * with the result in half precision; identity above 10 and zero below -10.
     */
    static final class Gelu {
        private static final float[] TABLE = new float[1 << 16];

        static {
            for (int i = 0; i < TABLE.length; i++) {
                float x = Float16.toFloat((short) i);
                double y = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * x * (1 + 0.044715 * x * x)));
                TABLE[i] = Float16.round((float) y);
            }
        }

        private Gelu() {}

        /**
         * {@code x[i] = apply(x[i] + bias[i])} over {@code x}, bit for bit, in two loops: the sums and their
         * half-precision bits (into {@code half}, as long as {@code x}) in a loop C2 vectorizes (its float-to-half
         * conversion has a vector form), then the table lookups.
         */
        static void applyWithBias(float[] x, float[] bias, short[] half) {
            int n = x.length;
            for (int i = 0; i < n; i++) {
                float v = x[i] + bias[i];
                x[i] = v;
                half[i] = Float.floatToFloat16(v);
            }
            for (int i = 0; i < n; i++) {
                float v = x[i];
                float g = TABLE[half[i] & 0xFFFF];
                x[i] = v <= -10f ? 0f : v >= 10f ? v : g;
            }
        }

        static float apply(float x) {
            if (x <= -10f) {
                return 0f;
            }
            if (x >= 10f) {
                return x;
            }
            return TABLE[Float16.fromFloat(x) & 0xFFFF];
        }
    }
}
