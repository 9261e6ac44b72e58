package dev.abi.benchmarks;

import dev.abi.inference.GgmlType;
import dev.abi.inference.GgufFile;
import dev.abi.inference.GgufWriter;
import dev.abi.inference.LlamaModel;
import dev.abi.inference.LlamaSession;
import dev.abi.inference.RowExecutor;
import dev.abi.inference.Sampler;
import dev.abi.inference.convert.QuantRecipe;
import dev.abi.vector.VectorOpsProvider;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generation and prompt throughput, load time and RSS on a seeded random-weight model with Llama-3.2-1B's shape
 * (dim 2048, 16 layers, 32 heads, 8 KV heads, FFN 8192, the Llama 3 vocabulary of {@code ggml-vocab-llama-bpe.gguf},
 * tied output: 1.24B parameters), written as Q4_0 and Q8_0 GGUF files under {@code benchmarks/target/models}
 * (random blocks), or as {@code Q4_K_M} (random float weights through our own K-quantizer and llama.cpp's Q4_K_M
 * choice of type per tensor).
 *
 * <p>Usage: {@code InferenceBenchmark [types=Q4_0,Q8_0] [threads=1,2] [prompt=512] [generate=128] [layers=16]};
 * the types are Q4_0, Q8_0 and Q4_K_M.
 * The prompt is processed in one batched pass ({@code LlamaSession.prefill}: each weight row read once for all its
 * tokens); generation is token by token.
 *
 * <p>The llama.cpp contender runs in the same harness run on the same file, prompt ids and thread counts: the
 * prebuilt llama.cpp of npm's {@code node-llama-cpp} ({@code scripts/llama-cpp-contender.mjs}), installed under
 * {@code benchmarks/target/node-llama-cpp} on first use. Where npm or node is missing the contender is skipped with
 * a message and its columns say so.
 */
public final class InferenceBenchmark {

    /** Whether a throwaway session warms the JIT up before timing (default on; {@code BENCH_WARMUP=0} turns it off). */
    private static final boolean WARMUP = !"0".equals(System.getenv("BENCH_WARMUP"));

    private static final int DIM = 2048;
    private static final int HEADS = 32;
    private static final int KV_HEADS = 8;
    private static final int FFN = 8192;

    public static void main(String[] args) throws Exception {
        String[] types = arg(args, 0, "Q4_0,Q8_0").split(",");
        String[] threads = arg(args, 1, "1,2").split(",");
        int promptLength = Integer.parseInt(arg(args, 2, "512"));
        int generate = Integer.parseInt(arg(args, 3, "128"));
        int layers = Integer.parseInt(arg(args, 4, "16"));
        Path vocab = Path.of("..", "shared", "tokenizer", "ggml-vocab-llama-bpe.gguf");
        if (!Files.exists(vocab)) {
            vocab = Path.of("..", "..", "shared", "tokenizer", "ggml-vocab-llama-bpe.gguf");
        }
        System.out.printf(
                "JVM %s, %d cores, kernels %s%n%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                VectorOpsProvider.get().name());
        Path contender = LlamaCppContender.install();
        StringBuilder table = new StringBuilder();
        table.append("| type | threads | layers | file GB | load ms | prompt tok/s | generation tok/s | RSS GB "
                + "| llama.cpp load ms | llama.cpp prompt tok/s | llama.cpp generation tok/s | llama.cpp RSS GB "
                + "| prompt ratio | generation ratio |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String type : types) {
            Path file =
                    Path.of("benchmarks", "target", "models", "llama-3.2-1b-shape-" + layers + "L-" + type + ".gguf");
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                long w0 = System.nanoTime();
                write(file, type, layers, vocab);
                System.out.printf(
                        Locale.ROOT, "wrote %s in %.1f s%n", file.getFileName(), (System.nanoTime() - w0) / 1e9);
            }
            for (String t : threads) {
                long t0 = System.nanoTime();
                try (RowExecutor executor = RowExecutor.of(Integer.parseInt(t));
                        LlamaModel model = LlamaModel.builder(file)
                                .executor(executor)
                                // the KV cache sized as the contender's context (prompt + generated + 16)
                                .contextLength(promptLength + generate + 16)
                                .load()) {
                    long load = System.nanoTime() - t0;
                    LlamaSession s = model.newSession();
                    SplittableRandom rnd = new SplittableRandom(1);
                    int vocabSize = model.config().vocabSize();
                    int[] promptIds = new int[promptLength];
                    for (int i = 0; i < promptLength; i++) {
                        promptIds[i] = i == 0 ? 128000 : rnd.nextInt(vocabSize);
                    }
                    if (WARMUP) {
                        // a throwaway session first, so that the timed prompt and generation run on C2-compiled
                        // kernels, as in a warm server (llama.cpp's native code needs no JIT)
                        LlamaSession w = model.newSession();
                        float[] l = w.prefill(Arrays.copyOf(promptIds, Math.min(32, promptLength)));
                        for (int i = 0; i < 8; i++) {
                            l = w.forward(Sampler.argmax(l));
                        }
                    }
                    long p0 = System.nanoTime();
                    float[] logits = s.prefill(promptIds); // each weight row read once for the whole prompt
                    long prompt = System.nanoTime() - p0;
                    long g0 = System.nanoTime();
                    for (int i = 0; i < generate; i++) {
                        logits = s.forward(Sampler.argmax(logits));
                    }
                    long gen = System.nanoTime() - g0;
                    double promptTps = promptLength / (prompt / 1e9);
                    double genTps = generate / (gen / 1e9);
                    String row = String.format(
                            Locale.ROOT,
                            "| %s | %s | %d | %.2f | %.0f | %.2f | %.2f | %.2f ",
                            type,
                            t,
                            layers,
                            Files.size(file) / 1e9,
                            load / 1e6,
                            promptTps,
                            genTps,
                            rssBytes() / 1e9);
                    model.close();
                    LlamaCppContender.Result c = contender == null
                            ? null
                            : LlamaCppContender.run(contender, file, Integer.parseInt(t), promptIds, generate);
                    row += c == null
                            ? "| n/a | n/a | n/a | n/a | n/a | n/a |"
                            : String.format(
                                    Locale.ROOT,
                                    "| %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |",
                                    c.loadMs(),
                                    c.promptTps(),
                                    c.generationTps(),
                                    c.rss() / 1e9,
                                    promptTps / c.promptTps(),
                                    genTps / c.generationTps());
                    System.out.println(row);
                    table.append(row).append('\n');
                }
            }
        }
        System.out.println();
        System.out.print(table);
    }

    private static String arg(String[] args, int i, String dflt) {
        return args.length > i ? args[i] : dflt;
    }

    private static long rssBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private static void write(Path file, String typeName, int layers, Path vocabFile) throws Exception {
        GgufWriter w = new GgufWriter();
        int vocab;
        try (GgufFile v = GgufFile.open(vocabFile)) {
            String[] tokens = v.strings("tokenizer.ggml.tokens");
            vocab = tokens.length;
            w.put("tokenizer.ggml.model", v.string("tokenizer.ggml.model"))
                    .put("tokenizer.ggml.tokens", tokens)
                    .put("tokenizer.ggml.token_type", v.ints("tokenizer.ggml.token_type"))
                    .put("tokenizer.ggml.merges", v.strings("tokenizer.ggml.merges"))
                    .put("tokenizer.ggml.pre", v.string("tokenizer.ggml.pre"))
                    .put("tokenizer.ggml.bos_token_id", 128000)
                    .put("tokenizer.ggml.eos_token_id", 128001);
        }
        w.put("general.architecture", "llama")
                .put("llama.context_length", 2048)
                .put("llama.embedding_length", DIM)
                .put("llama.feed_forward_length", FFN)
                .put("llama.attention.head_count", HEADS)
                .put("llama.attention.head_count_kv", KV_HEADS)
                .put("llama.block_count", layers)
                .put("llama.rope.dimension_count", DIM / HEADS)
                .put("llama.rope.freq_base", 500000f)
                .put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        int kvDim = KV_HEADS * (DIM / HEADS);
        if (typeName.equals("Q4_K_M")) {
            writeQ4KM(w, vocab, layers, kvDim);
            w.write(file);
            return;
        }
        GgmlType type = GgmlType.valueOf(typeName);
        SplittableRandom rnd = new SplittableRandom(42);
        w.tensor("token_embd.weight", new long[] {DIM, vocab}, type, random(type, (long) DIM * vocab, rnd));
        w.tensor("output_norm.weight", new long[] {DIM}, ones(DIM));
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.tensor(p + "attn_norm.weight", new long[] {DIM}, ones(DIM));
            w.tensor(p + "attn_q.weight", new long[] {DIM, DIM}, type, random(type, (long) DIM * DIM, rnd));
            w.tensor(p + "attn_k.weight", new long[] {DIM, kvDim}, type, random(type, (long) DIM * kvDim, rnd));
            w.tensor(p + "attn_v.weight", new long[] {DIM, kvDim}, type, random(type, (long) DIM * kvDim, rnd));
            w.tensor(p + "attn_output.weight", new long[] {DIM, DIM}, type, random(type, (long) DIM * DIM, rnd));
            w.tensor(p + "ffn_norm.weight", new long[] {DIM}, ones(DIM));
            w.tensor(p + "ffn_gate.weight", new long[] {DIM, FFN}, type, random(type, (long) DIM * FFN, rnd));
            w.tensor(p + "ffn_up.weight", new long[] {DIM, FFN}, type, random(type, (long) DIM * FFN, rnd));
            w.tensor(p + "ffn_down.weight", new long[] {FFN, DIM}, type, random(type, (long) FFN * DIM, rnd));
        }
        w.write(file);
    }

    /**
     * The same shape as llama.cpp's Q4_K_M made from float weights: Gaussian weights (deviation 0.02) quantized by
     * our own {@code KQuantizer} with llama.cpp's per-tensor choice ({@link QuantRecipe#q4KM}): Q4_K, with the tied
     * {@code token_embd} and some layers' {@code attn_v} and {@code ffn_down} Q6_K.
     */
    private static void writeQ4KM(GgufWriter w, int vocab, int layers, int kvDim) {
        w.put("general.file_type", 15); // LLAMA_FTYPE_MOSTLY_Q4_K_M
        w.put("general.quantization_version", 2);
        FloatWeights f = new FloatWeights(w, QuantRecipe.q4KM(layers, true)::typeOf, 42);
        double sigma = 0.02;
        f.matrix("token_embd.weight", DIM, vocab, sigma);
        f.constant("output_norm.weight", DIM, 1f);
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            f.constant(p + "attn_norm.weight", DIM, 1f);
            f.matrix(p + "attn_q.weight", DIM, DIM, sigma);
            f.matrix(p + "attn_k.weight", DIM, kvDim, sigma);
            f.matrix(p + "attn_v.weight", DIM, kvDim, sigma);
            f.matrix(p + "attn_output.weight", DIM, DIM, sigma);
            f.constant(p + "ffn_norm.weight", DIM, 1f);
            f.matrix(p + "ffn_gate.weight", DIM, FFN, sigma);
            f.matrix(p + "ffn_up.weight", DIM, FFN, sigma);
            f.matrix(p + "ffn_down.weight", FFN, DIM, sigma);
        }
    }

    private static float[] ones(int n) {
        float[] f = new float[n];
        Arrays.fill(f, 1f);
        return f;
    }

    /** Random blocks with small scales, so activations stay finite through the layers. */
    private static byte[] random(GgmlType type, long elements, SplittableRandom rnd) {
        long blocks = elements / type.blockSize();
        ByteBuffer b = ByteBuffer.allocate((int) type.bytesFor(elements)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] q = new byte[type.typeSize() - 2];
        for (long i = 0; i < blocks; i++) {
            b.putShort(Float.floatToFloat16(0.0005f + (float) rnd.nextDouble() * 0.001f));
            for (int j = 0; j < q.length; j++) {
                q[j] = (byte) rnd.nextInt(256);
            }
            b.put(q);
        }
        return b.array();
    }
}
