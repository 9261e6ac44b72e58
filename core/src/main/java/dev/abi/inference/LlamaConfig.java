package dev.abi.inference;

import java.util.Set;

/**
 * The shape of a Llama-family model, read from GGUF metadata under its architecture's prefix ({@code llama.*} or
 * {@code qwen2.*}). {@code neoxRope} says whether the rotary embedding turns the pairs (i, i + ropeDim/2) of each
 * head, as Qwen2 does (llama.cpp's NEOX rope type), rather than adjacent pairs, as Llama does.
 */
public record LlamaConfig(
        String architecture,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int ffnDim,
        int contextLength,
        int vocabSize,
        int ropeDim,
        float ropeBase,
        float rmsEps,
        boolean neoxRope) {

    /** The architectures this class describes. */
    static final Set<String> ARCHITECTURES = Set.of("llama", "qwen2");

    public int headDim() {
        return dim / heads;
    }

    public int kvDim() {
        return kvHeads * headDim();
    }

    static LlamaConfig from(GgufFile f) {
        String arch = f.string("general.architecture");
        if (!ARCHITECTURES.contains(arch)) {
            throw new UnsupportedModelException(
                    f.path() + ": architecture '" + arch + "' is not supported yet (llama and qwen2 are)");
        }
        String p = arch + ".";
        int dim = positive(f, p + "embedding_length");
        int heads = positive(f, p + "attention.head_count");
        int kvHeads = (int) f.integer(p + "attention.head_count_kv", heads);
        if (dim % heads != 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new ModelFormatException(f.path() + ": " + heads + " heads and " + kvHeads
                    + " KV heads do not divide embedding length " + dim);
        }
        int vocab = f.strings("tokenizer.ggml.tokens").length;
        int ropeDim = (int) f.integer(p + "rope.dimension_count", dim / heads);
        if (ropeDim <= 0 || ropeDim > dim / heads || ropeDim % 2 != 0) {
            throw new ModelFormatException(f.path() + ": metadata '" + p + "rope.dimension_count' = " + ropeDim
                    + " must be even and at most the head size " + dim / heads);
        }
        return new LlamaConfig(
                arch,
                dim,
                positive(f, p + "block_count"),
                heads,
                kvHeads,
                positive(f, p + "feed_forward_length"),
                positive(f, p + "context_length"),
                vocab,
                ropeDim,
                f.real(p + "rope.freq_base", 10000f),
                f.real(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                arch.equals("qwen2"));
    }

    private static int positive(GgufFile f, String key) {
        long v = f.integer(key);
        if (v <= 0 || v > 1 << 24) {
            throw new ModelFormatException(f.path() + ": metadata '" + key + "' = " + v + " is out of range");
        }
        return (int) v;
    }
}
