package dev.abi.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks tokens from logits according to {@link SamplingParams}; deterministic for a given seed. */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;
    /** Buffers of the sampling path, sized to the vocabulary on first use and reused for every token. */
    private long[] keys;

    private double[] p;
    private double[] w;
    /** Per-token counts of the penalty window, and the tokens counted; all counts are back to 0 between calls. */
    private int[] counts;

    private int[] seen;

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
        if (keys == null || keys.length != n) {
            keys = new long[n];
            p = new double[n];
            w = new double[n];
        }
        // the order of a sort by logit, highest first, ties by id, as one primitive sort (nothing boxed): each key
        // holds the logit's rank bits (descending, Float.compare's order) over the id
        for (int i = 0; i < n; i++) {
            float f = logits[i] == 0f ? 0f : logits[i]; // -0 ties with 0 (they are ==), as the id decides then
            int bits = Float.floatToIntBits(f);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
            keys[i] = ((long) ~ascending << 32) | i;
        }
        Arrays.sort(keys);
        int keep = params.topK() > 0 ? Math.min(params.topK(), n) : n;
        // softmax over the kept candidates, at temperature 1 for the top-p and min-p cuts (as llama.cpp)
        double max = logits[id(0)];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[id(i)] - max);
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
        double total = 0;
        for (int i = 0; i < cut; i++) {
            w[i] = Math.exp((logits[id(i)] - max) / params.temperature());
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
                return id(i);
            }
        }
        // rounding left r above 0: the last candidate with any weight (never one masked to negative infinity)
        return id(lastPossible);
    }

    /** The id at rank {@code i} of the last sort. */
    private int id(int i) {
        return (int) keys[i];
    }

    private void applyPenalties(float[] logits, int[] history, int length) {
        if (params.repetitionPenalty() == 1f && params.frequencyPenalty() == 0f && params.presencePenalty() == 0f) {
            return;
        }
        int from = Math.max(0, length - params.penaltyWindow());
        if (counts == null || counts.length != logits.length) {
            counts = new int[logits.length];
            seen = new int[logits.length];
        }
        int distinct = 0;
        for (int i = from; i < length; i++) {
            int t = history[i];
            if (t >= 0 && t < logits.length && counts[t]++ == 0) {
                seen[distinct++] = t;
            }
        }
        for (int j = 0; j < distinct; j++) { // each token once, with its count (the order does not matter)
            int t = seen[j];
            float l = logits[t];
            l = l > 0 ? l / params.repetitionPenalty() : l * params.repetitionPenalty();
            l -= counts[t] * params.frequencyPenalty() + params.presencePenalty();
            logits[t] = l;
            counts[t] = 0;
        }
    }

    /** The greedy choice: the index of the first largest value (ties go to the lower id, as llama.cpp's). */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
