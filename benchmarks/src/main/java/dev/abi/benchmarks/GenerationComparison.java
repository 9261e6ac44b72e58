package dev.abi.benchmarks;

import dev.abi.inference.LlamaModel;
import dev.abi.inference.LlamaSession;
import dev.abi.inference.RowExecutor;
import dev.abi.inference.Sampler;
import dev.abi.inference.WeightMatrix;
import dev.abi.inference.WeightMatrix.RowKernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Greedy generation with each {@link RowKernels} choice in one JVM, interleaved so that the shared machine's load
 * hits both alike: rounds of a fresh session's short prefill and {@code generate} greedy tokens per choice, the
 * order alternating, timed by the calling thread's CPU time (one thread), with the median (quartiles) of the
 * per-round ratio LEAN / PLAIN (below 1: LEAN faster). Checks that both choices generate the same tokens. Usage:
 * {@code GenerationComparison <model.gguf> [generate] [rounds]}, on a file {@link InferenceBenchmark} wrote.
 */
public final class GenerationComparison {

    private GenerationComparison() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int generate = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        RowKernels before = WeightMatrix.rowKernels();
        try (RowExecutor one = RowExecutor.of(1);
                LlamaModel model = LlamaModel.builder(file).executor(one).load()) {
            SplittableRandom rnd = new SplittableRandom(1);
            int[] prompt = new int[8];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = i == 0 ? 128000 : rnd.nextInt(model.config().vocabSize());
            }
            RowKernels[] kinds = {RowKernels.PLAIN, RowKernels.LEAN};
            for (RowKernels k : kinds) { // warm-up of both
                WeightMatrix.useRowKernels(k);
                generate(model, prompt, 16, new int[16]);
            }
            double[] ratios = new double[rounds];
            double[] sums = new double[2];
            for (int r = 0; r < rounds; r++) {
                double[] sec = new double[2];
                int[][] tokens = new int[2][generate];
                for (int j = 0; j < 2; j++) {
                    int k = (r + j) % 2;
                    WeightMatrix.useRowKernels(kinds[k]);
                    long t0 = mx.getCurrentThreadCpuTime();
                    generate(model, prompt, generate, tokens[k]);
                    sec[k] = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
                }
                if (!Arrays.equals(tokens[0], tokens[1])) {
                    throw new AssertionError("PLAIN and LEAN generated different tokens");
                }
                ratios[r] = sec[1] / sec[0];
                sums[0] += sec[0];
                sums[1] += sec[1];
                System.out.printf(
                        "round %d: PLAIN %.2f tok/s, LEAN %.2f tok/s (CPU time), ratio %.3f%n",
                        r, generate / sec[0], generate / sec[1], ratios[r]);
            }
            Arrays.sort(ratios);
            System.out.printf(
                    "%s, one thread, %d tokens: PLAIN %.2f tok/s, LEAN %.2f tok/s (means); LEAN/PLAIN time median %.3f"
                            + " (quartiles %.3f-%.3f), %d rounds, same tokens%n",
                    file.getFileName(),
                    generate,
                    generate * rounds / sums[0],
                    generate * rounds / sums[1],
                    ratios[rounds / 2],
                    ratios[rounds / 4],
                    ratios[(3 * rounds) / 4],
                    rounds);
        } finally {
            WeightMatrix.useRowKernels(before);
        }
    }

    /** A fresh session: the prompt prefilled, then {@code n} greedy tokens into {@code out} (the time is in here). */
    private static void generate(LlamaModel model, int[] prompt, int n, int[] out) {
        LlamaSession s = model.newSession();
        float[] logits = s.prefill(prompt);
        for (int i = 0; i < n; i++) {
            int t = Sampler.argmax(logits);
            out[i] = t;
            logits = s.forward(t);
        }
    }
}
