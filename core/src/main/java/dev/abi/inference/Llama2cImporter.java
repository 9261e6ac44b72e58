package dev.abi.inference;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Converts a llama2.c checkpoint ({@code model.bin}: a 7-int header, then fp32 weights in llama2.c's order) and its
 * tokenizer ({@code tokenizer.bin}: max length, then score, length and bytes per token) into a GGUF file that
 * {@link LlamaModel} loads. llama2.c stores each matrix as {@code [out][in]} rows and rotates adjacent pairs, which
 * is ggml's layout and Llama rope mode, so weights are copied unchanged.
 */
public final class Llama2cImporter {

    private Llama2cImporter() {}

    /**
     * @throws ModelFormatException naming the file when the header or sizes do not add up
     */
    public static void convert(Path checkpoint, Path tokenizer, Path gguf) throws IOException {
        ByteBuffer m = ByteBuffer.wrap(Files.readAllBytes(checkpoint)).order(ByteOrder.LITTLE_ENDIAN);
        if (m.remaining() < 28) {
            throw new ModelFormatException(checkpoint + ": shorter than the 28-byte llama2.c header");
        }
        int dim = m.getInt();
        int hidden = m.getInt();
        int layers = m.getInt();
        int heads = m.getInt();
        int kvHeads = m.getInt();
        int vocabField = m.getInt();
        int seqLen = m.getInt();
        boolean shared = vocabField > 0;
        int vocab = Math.abs(vocabField);
        if (dim <= 0
                || hidden <= 0
                || layers <= 0
                || heads <= 0
                || kvHeads <= 0
                || vocab <= 0
                || seqLen <= 0
                || dim % heads != 0
                || heads % kvHeads != 0) {
            throw new ModelFormatException(checkpoint + ": header "
                    + Arrays.toString(new int[] {dim, hidden, layers, heads, kvHeads, vocabField, seqLen})
                    + " is not a llama2.c model");
        }
        int headSize = dim / heads;
        int kvDim = kvHeads * headSize;
        long floats = (long) vocab * dim
                + (long) layers * (2L * dim + 2L * dim * dim + 2L * dim * kvDim + 3L * dim * hidden)
                + dim
                + (long) seqLen * headSize
                + (shared ? 0 : (long) vocab * dim);
        if (floats * 4 > m.remaining()) {
            throw new ModelFormatException(
                    checkpoint + ": " + m.remaining() + " bytes of weights, the header needs " + floats * 4);
        }
        float[] embedding = take(m, vocab * dim);
        float[][] attnNorm = takeEach(m, layers, dim);
        float[][] wq = takeEach(m, layers, dim * dim);
        float[][] wk = takeEach(m, layers, dim * kvDim);
        float[][] wv = takeEach(m, layers, dim * kvDim);
        float[][] wo = takeEach(m, layers, dim * dim);
        float[][] ffnNorm = takeEach(m, layers, dim);
        float[][] w1 = takeEach(m, layers, dim * hidden);
        float[][] w2 = takeEach(m, layers, hidden * dim);
        float[][] w3 = takeEach(m, layers, dim * hidden);
        float[] finalNorm = take(m, dim);
        m.position(m.position() + seqLen * headSize * 4); // legacy freq_cis_real and freq_cis_imag
        float[] classifier = shared ? null : take(m, vocab * dim);

        GgufWriter w = new GgufWriter()
                .put("general.architecture", "llama")
                .put("general.name", checkpoint.getFileName().toString())
                .put("llama.context_length", seqLen)
                .put("llama.embedding_length", dim)
                .put("llama.feed_forward_length", hidden)
                .put("llama.attention.head_count", heads)
                .put("llama.attention.head_count_kv", kvHeads)
                .put("llama.block_count", layers)
                .put("llama.rope.dimension_count", headSize)
                .put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        addVocabulary(w, tokenizer, vocab);
        w.tensor("token_embd.weight", new long[] {dim, vocab}, embedding);
        w.tensor("output_norm.weight", new long[] {dim}, finalNorm);
        if (classifier != null) {
            w.tensor("output.weight", new long[] {dim, vocab}, classifier);
        }
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.tensor(p + "attn_norm.weight", new long[] {dim}, attnNorm[l]);
            w.tensor(p + "attn_q.weight", new long[] {dim, dim}, wq[l]);
            w.tensor(p + "attn_k.weight", new long[] {dim, kvDim}, wk[l]);
            w.tensor(p + "attn_v.weight", new long[] {dim, kvDim}, wv[l]);
            w.tensor(p + "attn_output.weight", new long[] {dim, dim}, wo[l]);
            w.tensor(p + "ffn_norm.weight", new long[] {dim}, ffnNorm[l]);
            w.tensor(p + "ffn_gate.weight", new long[] {dim, hidden}, w1[l]);
            w.tensor(p + "ffn_down.weight", new long[] {hidden, dim}, w2[l]);
            w.tensor(p + "ffn_up.weight", new long[] {dim, hidden}, w3[l]);
        }
        w.write(gguf);
    }

    /** llama2.c's tokenizer.bin: BOS and EOS are written as "\n<s>\n" and "\n</s>\n"; spaces are plain. */
    private static void addVocabulary(GgufWriter w, Path tokenizer, int vocab) throws IOException {
        ByteBuffer t = ByteBuffer.wrap(Files.readAllBytes(tokenizer)).order(ByteOrder.LITTLE_ENDIAN);
        String[] tokens = new String[vocab];
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        try {
            t.getInt(); // max token length
            for (int i = 0; i < vocab; i++) {
                scores[i] = t.getFloat();
                int len = t.getInt();
                if (len < 0 || len > t.remaining()) {
                    throw new ModelFormatException(tokenizer + ": token " + i + " has length " + len);
                }
                byte[] bytes = new byte[len];
                t.get(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8).strip();
                if (i == 0) {
                    types[i] = 2; // unknown
                } else if (i == 1 || i == 2) {
                    types[i] = 3; // control: BOS, EOS
                } else if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
                    types[i] = 6; // byte
                } else {
                    types[i] = 1;
                }
                tokens[i] = types[i] == 1 ? new String(bytes, StandardCharsets.UTF_8).replace(' ', '\u2581') : text;
            }
        } catch (BufferUnderflowException e) {
            throw new ModelFormatException(tokenizer + ": truncated before " + vocab + " tokens");
        }
        w.put("tokenizer.ggml.model", "llama")
                .put("tokenizer.ggml.tokens", tokens)
                .put("tokenizer.ggml.scores", scores)
                .put("tokenizer.ggml.token_type", types)
                .put("tokenizer.ggml.unknown_token_id", 0)
                .put("tokenizer.ggml.bos_token_id", 1)
                .put("tokenizer.ggml.eos_token_id", 2);
    }

    private static float[] take(ByteBuffer b, int n) {
        float[] out = new float[n];
        b.asFloatBuffer().get(out);
        b.position(b.position() + n * 4);
        return out;
    }

    private static float[][] takeEach(ByteBuffer b, int count, int n) {
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = take(b, n);
        }
        return out;
    }
}
