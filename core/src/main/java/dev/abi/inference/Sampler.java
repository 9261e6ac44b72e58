package dev.abi.inference;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Picks tokens from logits according to {@link SamplingParams}; deterministic for a given seed. */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * The next token. {@code logits} is modified (penalties and filters are applied in place).
     *
     * @param history tokens so far (prompt and generated), for the penalties
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        applyPenalties(logits, history, historyLength);
        if (params.temperature() == 0f) {
            return argmax(logits);
        }
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = params.topK() > 0 ? Math.min(params.topK(), n) : n;
        // softmax over the kept candidates, at temperature 1 for the top-p and min-p cuts (as llama.cpp)
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
        // rounding left r above 0: the last candidate with any weight (never one masked to negative infinity)
        return order[lastPossible];
    }

    private void applyPenalties(float[] logits, int[] history, int length) {
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

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
