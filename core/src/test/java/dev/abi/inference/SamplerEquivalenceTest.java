package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sampler, which sorts primitive keys into buffers it keeps, picks exactly the tokens of its earlier form (a sort
 * of boxed ids with a comparator and a map of counts per token, kept below as the reference), over logits with
 * ties, signed zeros and masked (-infinity) entries, with and without top-k, top-p, min-p and penalties.
 */
class SamplerEquivalenceTest {

    @Test
    void picksTheTokensOfTheBoxedSort() {
        SplittableRandom random = new SplittableRandom(22);
        int vocab = 300;
        for (int c = 0; c < 200; c++) {
            SamplingParams params = new SamplingParams(
                    random.nextBoolean() ? 0.8f : 1.3f,
                    random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(50),
                    random.nextBoolean() ? 1f : 0.9f,
                    random.nextBoolean() ? 0f : 0.05f,
                    random.nextBoolean() ? 1f : 1.1f,
                    random.nextBoolean() ? 0f : 0.3f,
                    random.nextBoolean() ? 0f : 0.2f,
                    16,
                    random.nextLong(),
                    64,
                    List.of());
            Sampler sampler = new Sampler(params);
            Reference reference = new Reference(params);
            int[] history = new int[64];
            for (int t = 0; t < history.length; t++) {
                float[] logits = new float[vocab];
                for (int i = 0; i < vocab; i++) {
                    int kind = random.nextInt(20);
                    logits[i] = kind == 0
                            ? Float.NEGATIVE_INFINITY
                            : kind == 1 ? -0f : kind == 2 ? 0f : kind < 6 ? 1.5f : (float) random.nextGaussian() * 3;
                }
                float[] copy = logits.clone();
                int want = reference.sample(copy, history, t);
                int got = sampler.sample(logits, history, t);
                assertEquals(want, got, "case " + c + ", token " + t + ", " + params);
                history[t] = got;
            }
        }
    }

    /** The sampler as it was: boxed ids sorted with a comparator, fresh arrays and a map per token. */
    private static final class Reference {
        private final SamplingParams params;
        private final SplittableRandom random;

        Reference(SamplingParams params) {
            this.params = params;
            this.random = new SplittableRandom(params.seed());
        }

        int sample(float[] logits, int[] history, int historyLength) {
            penalties(logits, history, historyLength);
            int n = logits.length;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(
                    order,
                    (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
            int keep = params.topK() > 0 ? Math.min(params.topK(), n) : n;
            double max = logits[order[0]];
            double[] p = new double[keep];
            double sum = 0;
            for (int i = 0; i < keep; i++) {
                p[i] = Math.exp(logits[order[i]] - max);
                sum += p[i];
            }
            double cumulative = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= params.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            if (params.minP() > 0) {
                double floor = params.minP() * (p[0] / sum);
                int m = 0;
                while (m < cut && p[m] / sum >= floor) {
                    m++;
                }
                cut = Math.max(1, m);
            }
            double[] w = new double[cut];
            double total = 0;
            for (int i = 0; i < cut; i++) {
                w[i] = Math.exp((logits[order[i]] - max) / params.temperature());
                total += w[i];
            }
            double r = random.nextDouble() * total;
            int lastPossible = 0;
            for (int i = 0; i < cut; i++) {
                if (w[i] > 0) {
                    lastPossible = i;
                }
                r -= w[i];
                if (r <= 0 && w[i] > 0) {
                    return order[i];
                }
            }
            return order[lastPossible];
        }

        private void penalties(float[] logits, int[] history, int length) {
            if (params.repetitionPenalty() == 1f && params.frequencyPenalty() == 0f && params.presencePenalty() == 0f) {
                return;
            }
            int from = Math.max(0, length - params.penaltyWindow());
            Map<Integer, Integer> counts = new HashMap<>();
            for (int i = from; i < length; i++) {
                counts.merge(history[i], 1, Integer::sum);
            }
            for (var e : counts.entrySet()) {
                int t = e.getKey();
                if (t < 0 || t >= logits.length) {
                    continue;
                }
                float l = logits[t];
                l = l > 0 ? l / params.repetitionPenalty() : l * params.repetitionPenalty();
                l -= e.getValue() * params.frequencyPenalty() + params.presencePenalty();
                logits[t] = l;
            }
        }
    }
}
