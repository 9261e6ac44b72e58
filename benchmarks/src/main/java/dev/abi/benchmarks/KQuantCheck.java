package dev.abi.benchmarks;

import dev.abi.inference.GgmlType;
import dev.abi.inference.GgufFile;
import dev.abi.inference.GgufWriter;
import dev.abi.inference.LlamaModel;
import dev.abi.inference.LlamaSession;
import dev.abi.inference.RowExecutor;
import dev.abi.inference.Sampler;
import dev.abi.inference.convert.QuantRecipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our K-quant reader against llama.cpp on a file made by our own quantizer: a small random-weight Llama (dim 256, 4
 * layers, 4 heads and 2 KV heads, FFN 768, untied output, stories260K's 512-token vocabulary) written as Q4_K_M
 * ({@link QuantRecipe#q4KM}: every matrix a K-quant, since every row length is a multiple of 256) and, as the
 * control whose path is known to match llama.cpp, as Q8_0. The output weights are scaled so that the logits are
 * peaked (a deviation of about 4), so the top tokens are not a coin toss.
 *
 * <p>For each file: at every prompt position, llama.cpp's five most probable next tokens (node-llama-cpp's
 * {@code controlledEvaluate}, no sampling options) against the softmax of our logits; then both greedy
 * continuations. Prints the largest probability difference, how many positions agree on the top token, and how many
 * greedy tokens agree. Each prompt token is also run alone (at position 0, where attention only passes its own
 * value through), which isolates the weights' math from the attention's rounding: there the two engines agree to
 * float rounding (1e-7 to 1e-6 in probability) on most tokens, and the check exits with status 1 when the median
 * token's largest difference is above 1e-4. Usage: {@code KQuantCheck [prompt=24] [generate=32]}; skips, saying
 * why, without node/npm. llama.cpp runs with flash attention off ({@code LLAMA_FA=1} turns it on), as our engine
 * computes attention.
 */
public final class KQuantCheck {

    private static final int DIM = 256;
    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;
    private static final int FFN = 768;
    private static final int LAYERS = 4;

    public static void main(String[] args) throws Exception {
        int promptLength = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        int generate = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        Path vocab = Path.of("..", "shared", "models", "stories260K", "stories260K-f32.gguf");
        Path contender = LlamaCppContender.install();
        Path check = contender == null ? null : contender.resolveSibling("llama-cpp-check.mjs");
        if (check != null) {
            Files.copy(
                    Path.of("benchmarks", "scripts", "llama-cpp-check.mjs"),
                    check,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        int[] prompt = new int[promptLength];
        prompt[0] = 1; // BOS
        for (int i = 1; i < promptLength; i++) {
            prompt[i] = 3 + rnd.nextInt(509);
        }
        System.out.println("prompt ids " + Arrays.toString(prompt));
        System.out.println("| file | alone: same top token | alone: largest probability difference (top 5) | mean "
                + "| in sequence: same top token | in sequence: largest difference (positions 1..) | mean "
                + "| greedy tokens equal (leading) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        boolean failed = false;
        for (String kind : new String[] {"Q4_K_M", "Q8_0"}) {
            Path file = Path.of("benchmarks", "target", "models", "kquant-check-" + kind + ".gguf");
            Files.createDirectories(file.getParent());
            write(file, kind, vocab);
            Ours ours = ours(file, prompt, generate);
            if (check == null) {
                System.out.println("| " + kind + " | llama.cpp skipped (node/npm missing) | | | |");
                continue;
            }
            Theirs theirs = theirs(check, file, prompt, generate);
            if (theirs == null) {
                continue;
            }
            int lead = 0;
            while (lead < Math.min(ours.greedy.length, theirs.greedy.length)
                    && ours.greedy[lead] == theirs.greedy[lead]) {
                lead++;
            }
            double[] alone = diffs(ours.alone, theirs.alone, 0);
            double[] seq = diffs(ours.probs, theirs.top, 1);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d / %d | %.1e | %.1e | %d / %d | %.1e | %.1e | %d / %d |%n",
                    kind,
                    sameTop(ours.alone, theirs.alone),
                    promptLength,
                    alone[0],
                    alone[1],
                    sameTop(ours.probs, theirs.top),
                    promptLength,
                    seq[0],
                    seq[1],
                    lead,
                    generate);
            System.out.println("  ours      " + Arrays.toString(ours.greedy));
            System.out.println("  llama.cpp " + Arrays.toString(theirs.greedy));
            System.out.printf(
                    Locale.ROOT,
                    "  top-1 probability at the first positions, ours / llama.cpp: %s%n",
                    firstTop(ours, theirs, Math.min(6, promptLength)));
            StringBuilder each = new StringBuilder("  alone, largest difference per token:");
            double[] perToken = new double[promptLength];
            for (int p = 0; p < promptLength; p++) {
                for (double[] t : theirs.alone.get(p)) {
                    perToken[p] = Math.max(perToken[p], Math.abs(ours.alone[p][(int) t[0]] - t[1]));
                }
                each.append(String.format(Locale.ROOT, " %.0e", perToken[p]));
            }
            System.out.println(each);
            Arrays.sort(perToken);
            double median = perToken[promptLength / 2];
            System.out.printf(Locale.ROOT, "  alone, median of the per-token largest differences: %.1e%n", median);
            // float rounding gives 1e-7 to 1e-6 here; a misread scale, min or bit moves probabilities by 1e-2 and more
            if (median > 1e-4) {
                failed = true;
                System.out.println("  FAILED: " + kind + " differs from llama.cpp beyond float rounding");
            }
            int last = promptLength - 1;
            StringBuilder b = new StringBuilder("  last position, llama.cpp's top 5 (id: llama.cpp / ours):");
            for (double[] t : theirs.top.get(last)) {
                b.append(
                        String.format(Locale.ROOT, " %d: %.4f / %.4f", (int) t[0], t[1], ours.probs[last][(int) t[0]]));
            }
            System.out.println(b + "; our top token " + Sampler.argmax(ours.probs[last]));
        }
        if (failed) {
            System.exit(1);
        }
    }

    private record Ours(float[][] probs, float[][] alone, int[] greedy) {}

    private record Theirs(List<List<double[]>> top, List<List<double[]>> alone, int[] greedy) {}

    /** The largest and the mean difference of our probabilities from llama.cpp's over its top tokens. */
    private static double[] diffs(float[][] ours, List<List<double[]>> theirs, int from) {
        double worst = 0;
        double sum = 0;
        int count = 0;
        for (int p = from; p < ours.length; p++) {
            for (double[] t : theirs.get(p)) {
                double diff = Math.abs(ours[p][(int) t[0]] - t[1]);
                worst = Math.max(worst, diff);
                sum += diff;
                count++;
            }
        }
        return new double[] {worst, sum / Math.max(1, count)};
    }

    /** How many positions agree on the most probable token. */
    private static int sameTop(float[][] ours, List<List<double[]>> theirs) {
        int same = 0;
        for (int p = 0; p < ours.length; p++) {
            if ((int) theirs.get(p).get(0)[0] == Sampler.argmax(ours[p])) {
                same++;
            }
        }
        return same;
    }

    private static String firstTop(Ours ours, Theirs theirs, int n) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < n; p++) {
            double[] t = theirs.top.get(p).get(0);
            b.append(String.format(Locale.ROOT, "%.4f/%.4f ", ours.probs[p][(int) t[0]], t[1]));
        }
        return b.toString().trim();
    }

    private static Ours ours(Path file, int[] prompt, int generate) {
        try (RowExecutor executor = RowExecutor.of(1);
                LlamaModel model = LlamaModel.builder(file).executor(executor).load()) {
            LlamaSession s = model.newSession();
            float[][] probs = new float[prompt.length][];
            float[] logits = null;
            for (int p = 0; p < prompt.length; p++) {
                logits = s.forward(prompt[p]);
                probs[p] = softmax(logits);
            }
            int[] greedy = new int[generate];
            for (int i = 0; i < generate; i++) {
                greedy[i] = Sampler.argmax(logits);
                logits = s.forward(greedy[i]);
            }
            float[][] alone = new float[prompt.length][];
            for (int p = 0; p < prompt.length; p++) {
                alone[p] = softmax(model.newSession().forward(prompt[p]));
            }
            return new Ours(probs, alone, greedy);
        }
    }

    private static Theirs theirs(Path script, Path file, int[] prompt, int generate) throws Exception {
        Path ids = script.resolveSibling("check-ids.txt");
        Files.writeString(
                ids,
                String.join(
                        " ", Arrays.stream(prompt).mapToObj(Integer::toString).toList()));
        Process p = new ProcessBuilder(
                        "node",
                        script.toAbsolutePath().toString(),
                        file.toAbsolutePath().toString(),
                        ids.toAbsolutePath().toString(),
                        Integer.toString(generate),
                        "5")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            System.out.println("llama.cpp check failed: " + out);
            return null;
        }
        String json =
                out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("");
        // {"positions":[[[id,p],...],...],"greedy":[...]}: read with two patterns rather than a JSON library
        int g = json.indexOf("\"greedy\":");
        if (g < 0) {
            System.out.println("llama.cpp check printed no result: " + out);
            return null;
        }
        int a = json.indexOf("\"alone\":");
        List<List<double[]>> top = tops(json.substring(0, a));
        List<List<double[]>> alone = tops(json.substring(a, g));
        String greedy = json.substring(g + 9).replaceAll("[^0-9,]", "");
        int[] tokens = greedy.isEmpty()
                ? new int[0]
                : Arrays.stream(greedy.split(",")).mapToInt(Integer::parseInt).toArray();
        if (top.size() != prompt.length || alone.size() != prompt.length) {
            System.out.println("llama.cpp check gave " + top.size() + " positions for " + prompt.length + ": " + out);
            return null;
        }
        return new Theirs(top, alone, tokens);
    }

    /** Lists of {@code [id,probability]} pairs, one list per position, from the JSON text. */
    private static List<List<double[]>> tops(String json) {
        List<List<double[]>> top = new ArrayList<>();
        Matcher pos = Pattern.compile("\\[((?:\\[[0-9]+,[0-9.eE+-]+\\],?)*)\\]").matcher(json);
        Pattern pair = Pattern.compile("\\[([0-9]+),([0-9.eE+-]+)\\]");
        while (pos.find()) {
            List<double[]> list = new ArrayList<>();
            Matcher m = pair.matcher(pos.group(1));
            while (m.find()) {
                list.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
            }
            if (!list.isEmpty()) {
                top.add(list);
            }
        }
        return top;
    }

    private static void write(Path file, String kind, Path vocabFile) throws Exception {
        GgufWriter w = new GgufWriter();
        try (GgufFile v = GgufFile.open(vocabFile)) {
            w.put("tokenizer.ggml.model", v.string("tokenizer.ggml.model"))
                    .put("tokenizer.ggml.tokens", v.strings("tokenizer.ggml.tokens"))
                    .put("tokenizer.ggml.scores", v.floats("tokenizer.ggml.scores"))
                    .put("tokenizer.ggml.token_type", v.ints("tokenizer.ggml.token_type"))
                    .put("tokenizer.ggml.bos_token_id", 1)
                    .put("tokenizer.ggml.eos_token_id", 2)
                    .put("tokenizer.ggml.unknown_token_id", 0);
        }
        int vocab = 512;
        w.put("general.architecture", "llama")
                .put("llama.context_length", 256)
                .put("llama.embedding_length", DIM)
                .put("llama.feed_forward_length", FFN)
                .put("llama.attention.head_count", HEADS)
                .put("llama.attention.head_count_kv", KV_HEADS)
                .put("llama.block_count", LAYERS)
                .put("llama.rope.dimension_count", DIM / HEADS)
                .put("llama.rope.freq_base", 10000f)
                .put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        // the same seed for both files: the same float weights, quantized two ways
        FloatWeights f = new FloatWeights(
                w,
                kind.equals("Q4_K_M")
                        ? QuantRecipe.q4KM(LAYERS, false)::typeOf
                        : (name, dims) -> dims.length < 2 ? GgmlType.F32 : GgmlType.Q8_0,
                11);
        int kvDim = KV_HEADS * (DIM / HEADS);
        // inputs of unit scale into every matrix give outputs of unit scale: deviation 1 / sqrt(cols)
        double s = 1 / Math.sqrt(DIM);
        f.matrix("token_embd.weight", DIM, vocab, 1.0);
        f.constant("output_norm.weight", DIM, 1f);
        f.matrix("output.weight", DIM, vocab, 0.25); // logits of deviation about 4
        for (int l = 0; l < LAYERS; l++) {
            String p = "blk." + l + ".";
            f.constant(p + "attn_norm.weight", DIM, 1f);
            f.matrix(p + "attn_q.weight", DIM, DIM, s);
            f.matrix(p + "attn_k.weight", DIM, kvDim, s);
            f.matrix(p + "attn_v.weight", DIM, kvDim, s);
            f.matrix(p + "attn_output.weight", DIM, DIM, s);
            f.constant(p + "ffn_norm.weight", DIM, 1f);
            f.matrix(p + "ffn_gate.weight", DIM, FFN, s);
            f.matrix(p + "ffn_up.weight", DIM, FFN, s);
            f.matrix(p + "ffn_down.weight", FFN, DIM, 1 / Math.sqrt(FFN));
        }
        w.write(file);
    }

    private static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= (float) sum;
        }
        return p;
    }
}
