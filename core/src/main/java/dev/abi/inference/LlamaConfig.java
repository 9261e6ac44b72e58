package dev.abi.inference;

/** The shape of a Llama-architecture model, read from GGUF metadata ({@code llama.*}). */
public record LlamaConfig(int dim, int layers, int heads, int kvHeads, int ffnDim, int contextLength, int vocabSize,
                          int ropeDim, float ropeBase, float rmsEps) {

    public int headDim() {
        return dim / heads;
    }

    public int kvDim() {
        return kvHeads * headDim();
    }

    static LlamaConfig from(GgufFile f) {
        String arch = f.string("general.architecture");
        if (!arch.equals("llama")) {
            throw new UnsupportedModelException(f.path() + ": architecture '" + arch
                    + "' is not supported yet (llama is)");
        }
        int dim = positive(f, "llama.embedding_length");
        int heads = positive(f, "llama.attention.head_count");
        int kvHeads = (int) f.integer("llama.attention.head_count_kv", heads);
        if (dim % heads != 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new ModelFormatException(f.path() + ": " + heads + " heads and " + kvHeads
                    + " KV heads do not divide embedding length " + dim);
        }
        int vocab = f.strings("tokenizer.ggml.tokens").length;
        return new LlamaConfig(dim, positive(f, "llama.block_count"), heads, kvHeads,
                positive(f, "llama.feed_forward_length"), positive(f, "llama.context_length"), vocab,
                (int) f.integer("llama.rope.dimension_count", dim / heads),
                f.real("llama.rope.freq_base", 10000f), f.real("llama.attention.layer_norm_rms_epsilon", 1e-5f));
    }

    private static int positive(GgufFile f, String key) {
        long v = f.integer(key);
        if (v <= 0 || v > 1 << 24) {
            throw new ModelFormatException(f.path() + ": metadata '" + key + "' = " + v + " is out of range");
        }
        return (int) v;
    }
}
