package dev.abi.inference;

import java.util.Arrays;

/**
 * The log probability of one generated token under the model's distribution (the raw logits, before penalties,
 * temperature and filters), with the most likely alternatives at that position.
 *
 * @param token the generated token id
 * @param logprob its natural-log probability
 * @param topTokens the most likely token ids, most likely first (as many as asked)
 * @param topLogprobs their log probabilities
 */
public record TokenLogprob(int token, float logprob, int[] topTokens, float[] topLogprobs) {

    /** The log-softmax of {@code logits} at {@code token}, and the {@code top} most likely tokens. */
    static TokenLogprob of(float[] logits, int token, int top) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logZ = max + Math.log(sum);
        int k = Math.min(top, logits.length);
        int[] best = new int[k];
        Arrays.fill(best, -1);
        for (int i = 0; i < logits.length; i++) {
            // insertion into the k best so far (ties: lower id first)
            for (int j = 0; j < k; j++) {
                if (best[j] < 0 || logits[i] > logits[best[j]]) {
                    System.arraycopy(best, j, best, j + 1, k - j - 1);
                    best[j] = i;
                    break;
                }
            }
        }
        float[] bestLogprobs = new float[k];
        for (int j = 0; j < k; j++) {
            bestLogprobs[j] = (float) (logits[best[j]] - logZ);
        }
        return new TokenLogprob(token, (float) (logits[token] - logZ), best, bestLogprobs);
    }
}
