package dev.abi.inference;

import java.util.List;

/**
 * How to pick each next token. Temperature 0 is greedy. The filters apply in llama.cpp's order: penalties over the
 * last {@code penaltyWindow} tokens, then top-k, top-p, min-p, then temperature. The same seed gives the same output.
 *
 * @param maxTokens stop after this many generated tokens
 * @param stop stop sequences: generation ends before the first one appears in the text, which omits it
 */
public record SamplingParams(
        float temperature,
        int topK,
        float topP,
        float minP,
        float repetitionPenalty,
        float frequencyPenalty,
        float presencePenalty,
        int penaltyWindow,
        long seed,
        int maxTokens,
        List<String> stop) {

    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0, 128, List.of());

    public SamplingParams {
        if (temperature < 0 || Float.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0");
        }
        if (topP <= 0 || topP > 1) {
            throw new IllegalArgumentException("top_p must be in (0, 1]");
        }
        if (minP < 0 || minP > 1) {
            throw new IllegalArgumentException("min_p must be in [0, 1]");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0 (0 turns it off)");
        }
        if (repetitionPenalty <= 0) {
            throw new IllegalArgumentException("repetition_penalty must be > 0");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1");
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    public SamplingParams withStop(List<String> sequences) {
        return new SamplingParams(
                temperature,
                topK,
                topP,
                minP,
                repetitionPenalty,
                frequencyPenalty,
                presencePenalty,
                penaltyWindow,
                seed,
                maxTokens,
                sequences);
    }

    public SamplingParams withMaxTokens(int n) {
        return new SamplingParams(
                temperature,
                topK,
                topP,
                minP,
                repetitionPenalty,
                frequencyPenalty,
                presencePenalty,
                penaltyWindow,
                seed,
                n,
                stop);
    }
}
