package dev.abi.inference;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A Llama-family model over a memory-mapped GGUF file: RMSNorm, rotary embeddings, grouped query attention with a KV
 * cache, SwiGLU, tied or untied output. Architectures {@code llama} (rotary on adjacent pairs, optional attention
 * biases) and {@code qwen2} (rotary on split halves, biases on Q, K and V). Weights stay in the mapping.
 */
public final class LlamaModel implements AutoCloseable {

    private final GgufFile file;
    private final LlamaConfig config;
    private final WeightMatrix tokenEmbedding;
    private final WeightMatrix output;
    private final float[] outputNorm;
    private final Layer[] layers;
    private final Vocabulary vocabulary;
    private final float[] ropeFactors;
    private final RowExecutor executor;
    private final KvCacheType kvCacheType;

    /** One block's weights; the attention biases are null where the file has none. */
    record Layer(
            float[] attnNorm,
            WeightMatrix wq,
            WeightMatrix wk,
            WeightMatrix wv,
            WeightMatrix wo,
            float[] ffnNorm,
            WeightMatrix gate,
            WeightMatrix up,
            WeightMatrix down,
            float[] bq,
            float[] bk,
            float[] bv) {}

    private LlamaModel(GgufFile file, RowExecutor executor, KvCacheType kvCacheType, int contextCap) {
        this.file = file;
        this.executor = executor;
        this.kvCacheType = kvCacheType;
        this.config = capped(LlamaConfig.from(file), contextCap);
        Object scaling = file.metadata().get(config.architecture() + ".rope.scaling.type");
        if (scaling != null && !"none".equals(scaling)) {
            // linear or YaRN scaling would need factors this release does not apply: refuse rather than be wrong
            throw new UnsupportedModelException(file.path() + ": rope scaling '" + scaling + "' is not supported yet"
                    + " (Llama 3's per-frequency factors, rope_freqs, are)");
        }
        // Llama 3.1+: each rotary frequency divided by its factor (ggml_rope_ext's freq_factors)
        this.ropeFactors = file.tensors().containsKey("rope_freqs.weight")
                ? vector("rope_freqs.weight", config.ropeDim() / 2)
                : null;
        this.tokenEmbedding = matrix("token_embd.weight", config.dim(), config.vocabSize());
        this.output = file.tensors().containsKey("output.weight")
                ? matrix("output.weight", config.dim(), config.vocabSize())
                : tokenEmbedding;
        this.outputNorm = vector("output_norm.weight", config.dim());
        this.layers = new Layer[config.layers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "blk." + l + ".";
            layers[l] = new Layer(
                    vector(p + "attn_norm.weight", config.dim()),
                    matrix(p + "attn_q.weight", config.dim(), config.dim()),
                    matrix(p + "attn_k.weight", config.dim(), config.kvDim()),
                    matrix(p + "attn_v.weight", config.dim(), config.kvDim()),
                    matrix(p + "attn_output.weight", config.dim(), config.dim()),
                    vector(p + "ffn_norm.weight", config.dim()),
                    matrix(p + "ffn_gate.weight", config.dim(), config.ffnDim()),
                    matrix(p + "ffn_up.weight", config.dim(), config.ffnDim()),
                    matrix(p + "ffn_down.weight", config.ffnDim(), config.dim()),
                    bias(p + "attn_q.bias", config.dim()),
                    bias(p + "attn_k.bias", config.kvDim()),
                    bias(p + "attn_v.bias", config.kvDim()));
        }
        this.vocabulary = Vocabulary.from(file);
    }

    /**
     * Loads a model: maps the file and checks every tensor's shape.
     *
     * @throws ModelFormatException naming the file and what is wrong
     */
    public static LlamaModel load(Path path) {
        return builder(path).load();
    }

    /** A builder for a model at {@code path}, for options beyond {@link #load(Path)}'s defaults. */
    public static Builder builder(Path path) {
        return new Builder(path);
    }

    /** Options of a model load. */
    public static final class Builder {
        private final Path path;
        private RowExecutor executor;
        private KvCacheType kvCache = KvCacheType.F16;
        private int contextLength;

        private Builder(Path path) {
            this.path = path;
        }

        /**
         * The threads its matrix products split rows over (default {@link RowExecutor#defaultExecutor()}). The model
         * does not close it: one executor may serve several models.
         */
        public Builder executor(RowExecutor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * How its sessions cache keys and values (default {@link KvCacheType#F16}, llama.cpp's default: half the
         * memory of {@link KvCacheType#F32}, and the greedy outputs llama.cpp gives).
         */
        public Builder kvCache(KvCacheType type) {
            if (type == null) {
                throw new IllegalArgumentException("kvCache: a KvCacheType is required (F16 or F32), got null");
            }
            this.kvCache = type;
            return this;
        }

        /**
         * The most positions a session holds (default: the file's {@code context_length}; a larger value keeps the
         * file's). Each session allocates its KV cache for the whole context up front ({@code 2 x layers x
         * contextLength x kvDim x} 2 bytes at F16): Llama 3.2's 131,072 positions would take 4 GB a session, so a
         * deployment sets what its prompts and replies need.
         */
        public Builder contextLength(int positions) {
            if (positions < 1) {
                throw new IllegalArgumentException("contextLength: must be at least 1, got " + positions);
            }
            this.contextLength = positions;
            return this;
        }

        /**
         * Loads the model: maps the file and checks every tensor's shape.
         *
         * @throws ModelFormatException naming the file and what is wrong
         */
        public LlamaModel load() {
            RowExecutor e = executor != null ? executor : RowExecutor.defaultExecutor();
            GgufFile file = GgufFile.open(path);
            try {
                return new LlamaModel(file, e, kvCache, contextLength);
            } catch (RuntimeException ex) {
                file.close();
                throw ex;
            }
        }
    }

    /** {@code c} with at most {@code cap} positions ({@code cap} 0: as it is). */
    private static LlamaConfig capped(LlamaConfig c, int cap) {
        if (cap == 0 || cap >= c.contextLength()) {
            return c;
        }
        return new LlamaConfig(
                c.architecture(),
                c.dim(),
                c.layers(),
                c.heads(),
                c.kvHeads(),
                c.ffnDim(),
                cap,
                c.vocabSize(),
                c.ropeDim(),
                c.ropeBase(),
                c.rmsEps(),
                c.neoxRope());
    }

    /** The threads this model's matrix products run on. */
    public RowExecutor executor() {
        return executor;
    }

    /** The model's shape; its {@code contextLength} is the file's, or {@link Builder#contextLength} where smaller. */
    public LlamaConfig config() {
        return config;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Per-frequency divisors of the rotary embedding ({@code rope_freqs.weight}), or null when there are none. */
    float[] ropeFactors() {
        return ropeFactors;
    }

    Layer layer(int l) {
        return layers[l];
    }

    WeightMatrix tokenEmbedding() {
        return tokenEmbedding;
    }

    WeightMatrix output() {
        return output;
    }

    float[] outputNorm() {
        return outputNorm;
    }

    /** How this model's sessions cache keys and values ({@link Builder#kvCache}). */
    public KvCacheType kvCacheType() {
        return kvCacheType;
    }

    /** A fresh inference session (its own KV cache, of {@link #kvCacheType()}). */
    public LlamaSession newSession() {
        return new LlamaSession(this, kvCacheType);
    }

    private WeightMatrix matrix(String name, int cols, int rows) {
        GgufTensorInfo info = file.tensor(name);
        if (info.dims().length != 2 || info.dims()[0] != cols || info.dims()[1] != rows) {
            throw new ModelFormatException(file.path() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(info.dims()) + ", expected [" + cols + ", " + rows + "]");
        }
        return WeightMatrix.of(info, file.map(name), InferenceKernelsProvider.get(), executor);
    }

    /** An optional bias vector; Qwen2 requires all three attention biases. */
    private float[] bias(String name, int length) {
        if (!file.tensors().containsKey(name)) {
            if (config.architecture().equals("qwen2")) {
                throw new ModelFormatException(
                        file.path() + ": tensor '" + name + "' is missing (qwen2 has " + "attention biases)");
            }
            return null;
        }
        return vector(name, length);
    }

    private float[] vector(String name, int length) {
        GgufTensorInfo info = file.tensor(name);
        if (info.elements() != length || info.type() != GgmlType.F32) {
            throw new ModelFormatException(file.path() + ": tensor '" + name + "' must be F32 of " + length
                    + " elements, is " + info.type() + " " + Arrays.toString(info.dims()));
        }
        float[] out = new float[length];
        file.map(name).asFloatBuffer().get(out);
        return out;
    }

    @Override
    public void close() {
        file.close();
    }
}
