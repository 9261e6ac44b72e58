package dev.abi.benchmarks;

import dev.abi.inference.LlamaModel;
import dev.abi.inference.LlamaSession;
import dev.abi.inference.RowExecutor;
import dev.abi.inference.WeightMatrix;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The tiled prompt product against the four-token path in one JVM, interleaved so that the shared machine's load
 * hits both alike: rounds of a fresh session's prefill of the same prompt, alternating which path goes first, and
 * the median (quartiles) of the per-round time ratio four-token / tiled (above 1: tiled faster). Also checks that
 * both give the same logits. Usage: {@code PrefillComparison <model.gguf> [threads] [prompt] [rounds]}, on a file
 * {@link InferenceBenchmark} wrote.
 */
public final class PrefillComparison {

    private PrefillComparison() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int promptLength = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        try (RowExecutor executor = RowExecutor.of(threads);
                LlamaModel model = LlamaModel.builder(file).executor(executor).load()) {
            SplittableRandom rnd = new SplittableRandom(1);
            int[] ids = new int[promptLength];
            for (int i = 0; i < promptLength; i++) {
                ids[i] = i == 0 ? 128000 : rnd.nextInt(model.config().vocabSize());
            }
            for (boolean tiled : new boolean[] {true, false}) { // warm-up of both paths
                WeightMatrix.useTiledPrefill(tiled);
                model.newSession().prefill(Arrays.copyOf(ids, Math.min(64, promptLength)));
            }
            double[] ratios = new double[rounds];
            double tiledSum = 0;
            double fourSum = 0;
            for (int r = 0; r < rounds; r++) {
                double tiledS = 0;
                double fourS = 0;
                float[] a = null;
                float[] b = null;
                for (int k = 0; k < 2; k++) {
                    boolean tiled = (r + k) % 2 == 0;
                    WeightMatrix.useTiledPrefill(tiled);
                    LlamaSession s = model.newSession();
                    long t0 = System.nanoTime();
                    float[] logits = s.prefill(ids).clone();
                    double sec = (System.nanoTime() - t0) / 1e9;
                    if (tiled) {
                        tiledS = sec;
                        a = logits;
                    } else {
                        fourS = sec;
                        b = logits;
                    }
                }
                if (!Arrays.equals(a, b)) {
                    throw new AssertionError("the tiled and the four-token prefill gave different logits");
                }
                ratios[r] = fourS / tiledS;
                tiledSum += tiledS;
                fourSum += fourS;
                System.out.printf(
                        "round %d: tiled %.2f tok/s, four-token %.2f tok/s, ratio %.2f%n",
                        r, promptLength / tiledS, promptLength / fourS, ratios[r]);
            }
            Arrays.sort(ratios);
            System.out.printf(
                    "%s, %d threads, prompt %d: tiled %.2f tok/s, four-token %.2f tok/s (means); median ratio %.2f"
                            + " (quartiles %.2f-%.2f), %d rounds, logits equal%n",
                    file.getFileName(),
                    threads,
                    promptLength,
                    promptLength * rounds / tiledSum,
                    promptLength * rounds / fourSum,
                    ratios[rounds / 2],
                    ratios[rounds / 4],
                    ratios[(3 * rounds) / 4],
                    rounds);
        } finally {
            WeightMatrix.useTiledPrefill(Boolean.getBoolean(WeightMatrix.TILED_PROPERTY));
        }
    }
}
