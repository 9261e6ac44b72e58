package dev.abi.inference;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A probe, not a test: bytes the calling thread allocates per prompt token (prefill of 128 and 512 tokens) and per
 * generated token, round after round, on one inference thread. Run by hand (see docs/benchmarks/inference.md,
 * "Prompt-path allocation") with the test classpath:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector [-XX:UseAVX=2] -cp core/target/classes:core/target/test-classes:&lt;deps&gt; \
 *   dev.abi.inference.PrefillAllocationProbe &lt;file.gguf | synthetic:Q4_0:layers&gt; [rounds]
 * </pre>
 *
 * {@code synthetic:TYPE:LAYERS} writes a Llama-3.2-1B-shaped file (dim 2048, FFN 8192, 32 heads, 8 KV heads) with
 * random weights as {@code InferenceBenchmark} does, but with stories260K's 512-token vocabulary, under
 * {@code core/target/probe-models/}.
 */
public final class PrefillAllocationProbe {

    private PrefillAllocationProbe() {}

    public static void main(String[] args) throws Exception {
        Path file = args[0].startsWith("synthetic:") ? synthetic(args[0]) : Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        try (RowExecutor one = RowExecutor.of(1);
                LlamaModel m = LlamaModel.builder(file)
                        .executor(one)
                        .contextLength(600)
                        .load()) {
            int vocab = m.config().vocabSize();
            SplittableRandom rnd = new SplittableRandom(7);
            System.out.println(file.getFileName() + ", kernels "
                    + InferenceKernelsProvider.get().name());
            for (int round = 1; round <= rounds; round++) {
                StringBuilder line = new StringBuilder("round " + round + ":");
                for (int n : new int[] {
                    Math.min(128, m.config().contextLength() / 2),
                    Math.min(512, m.config().contextLength() - 40)
                }) {
                    int[] prompt = rnd.ints(n, 1, vocab).toArray();
                    LlamaSession s = m.newSession();
                    long before = mx.getThreadAllocatedBytes(tid);
                    float[] logits = s.prefill(prompt);
                    long prefill = mx.getThreadAllocatedBytes(tid) - before;
                    int gen = 32;
                    before = mx.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < gen; i++) {
                        logits = s.forward(Sampler.argmax(logits));
                    }
                    long generated = mx.getThreadAllocatedBytes(tid) - before;
                    line.append(String.format(
                            " prefill %d: %,d B/prompt token, then %,d B/generated token (logits hash %08x);",
                            n, prefill / n, generated / gen, Arrays.hashCode(logits)));
                }
                System.out.println(line);
            }
        }
    }

    private static Path synthetic(String spec) throws Exception {
        String[] parts = spec.split(":");
        GgmlType type = GgmlType.valueOf(parts[1]);
        int layers = Integer.parseInt(parts[2]);
        int dim = 2048;
        int ffn = 8192;
        int heads = 32;
        int kvHeads = 8;
        Path dir = Path.of("core/target/probe-models");
        Files.createDirectories(dir);
        Path out = dir.resolve("llama-1b-shape-" + layers + "L-" + type + ".gguf");
        if (Files.exists(out)) {
            return out;
        }
        GgufWriter w = new GgufWriter();
        int vocab;
        Path stories =
                Path.of(System.getProperty("shared.dir", "../shared"), "models/stories260K/stories260K-f32.gguf");
        try (GgufFile f = GgufFile.open(stories)) {
            vocab = LlamaConfig.from(f).vocabSize();
            f.metadata().forEach((k, v) -> {
                if (!k.startsWith("llama.") && (!(v instanceof Object[]) || v instanceof String[])) {
                    w.put(k, v);
                }
            });
        }
        w.put("general.architecture", "llama")
                .put("llama.context_length", 2048)
                .put("llama.embedding_length", dim)
                .put("llama.feed_forward_length", ffn)
                .put("llama.attention.head_count", heads)
                .put("llama.attention.head_count_kv", kvHeads)
                .put("llama.block_count", layers)
                .put("llama.rope.dimension_count", dim / heads)
                .put("llama.rope.freq_base", 500000f)
                .put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        int kvDim = kvHeads * (dim / heads);
        SplittableRandom rnd = new SplittableRandom(42);
        w.tensor("token_embd.weight", new long[] {dim, vocab}, type, random(type, (long) dim * vocab, rnd));
        w.tensor("output_norm.weight", new long[] {dim}, ones(dim));
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.tensor(p + "attn_norm.weight", new long[] {dim}, ones(dim));
            w.tensor(p + "attn_q.weight", new long[] {dim, dim}, type, random(type, (long) dim * dim, rnd));
            w.tensor(p + "attn_k.weight", new long[] {dim, kvDim}, type, random(type, (long) dim * kvDim, rnd));
            w.tensor(p + "attn_v.weight", new long[] {dim, kvDim}, type, random(type, (long) dim * kvDim, rnd));
            w.tensor(p + "attn_output.weight", new long[] {dim, dim}, type, random(type, (long) dim * dim, rnd));
            w.tensor(p + "ffn_norm.weight", new long[] {dim}, ones(dim));
            w.tensor(p + "ffn_gate.weight", new long[] {dim, ffn}, type, random(type, (long) dim * ffn, rnd));
            w.tensor(p + "ffn_up.weight", new long[] {dim, ffn}, type, random(type, (long) dim * ffn, rnd));
            w.tensor(p + "ffn_down.weight", new long[] {ffn, dim}, type, random(type, (long) ffn * dim, rnd));
        }
        w.write(out);
        return out;
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
            rnd.nextBytes(q);
            b.put(q);
        }
        return b.array();
    }
}
