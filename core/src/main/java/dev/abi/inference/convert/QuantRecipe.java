package dev.abi.inference.convert;

import dev.abi.inference.GgmlType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which type each tensor of a Llama-family model gets under llama.cpp's {@code Q4_K_M} file type, as its {@code
 * llama_tensor_get_type} picks for a dense (not mixture-of-experts, not 70B) model without an importance matrix:
 *
 * <ul>
 *   <li>one-dimensional tensors (norms, biases) stay F32;
 *   <li>{@code output.weight}, or {@code token_embd.weight} when the model has no separate output (tied), is Q6_K;
 *   <li>{@code attn_v} and {@code ffn_down} are Q6_K on the layers llama.cpp's {@code use_more_bits} picks: the first
 *       and last eighth of the layers, and every third layer between them;
 *   <li>everything else is Q4_K;
 *   <li>a tensor whose rows are not a multiple of 256 falls back as llama.cpp does: Q4_K to Q5_0, Q6_K to Q8_0, and
 *       to F16 when its rows are not a multiple of 32 either.
 * </ul>
 *
 * Not copied from llama.cpp: the 70B rule (attn_v Q5_K where it would be Q4_K) and the rules for fused {@code
 * attn_qkv} and expert tensors, which the models we write do not have.
 */
public final class QuantRecipe {

    private static final Pattern LAYER = Pattern.compile("blk\\.(\\d+)\\.");

    private final int layers;
    private final boolean tiedOutput;

    private QuantRecipe(int layers, boolean tiedOutput) {
        if (layers <= 0) {
            throw new IllegalArgumentException("layers must be positive, was " + layers);
        }
        this.layers = layers;
        this.tiedOutput = tiedOutput;
    }

    /**
     * llama.cpp's Q4_K_M for a model of {@code layers} blocks; {@code tiedOutput} when it has no {@code
     * output.weight} and uses {@code token_embd.weight} for the logits.
     */
    public static QuantRecipe q4KM(int layers, boolean tiedOutput) {
        return new QuantRecipe(layers, tiedOutput);
    }

    /** The type of tensor {@code name} with dimensions {@code dims} ({@code dims[0]} the row length). */
    public GgmlType typeOf(String name, long[] dims) {
        if (dims.length < 2) {
            return GgmlType.F32;
        }
        GgmlType type = GgmlType.Q4_K;
        if (name.equals("output.weight") || (tiedOutput && name.equals("token_embd.weight"))) {
            type = GgmlType.Q6_K;
        } else if (name.contains("attn_v.weight") || name.contains("ffn_down")) {
            if (useMoreBits(layerOf(name), layers)) {
                type = GgmlType.Q6_K;
            }
        }
        long cols = dims[0];
        if (cols % 256 != 0) {
            type = type == GgmlType.Q6_K ? GgmlType.Q8_0 : GgmlType.Q5_0;
            if (cols % 32 != 0) {
                type = GgmlType.F16;
            }
        }
        return type;
    }

    /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third one between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    private static int layerOf(String name) {
        Matcher m = LAYER.matcher(name);
        if (!m.find()) {
            throw new IllegalArgumentException("tensor '" + name + "' names no layer (blk.N.)");
        }
        return Integer.parseInt(m.group(1));
    }
}
