package dev.abi.inference;

import java.util.List;

/**
 * Constrained decoding: before each token is sampled, the tokens that would take the output out of some language
 * (JSON, JSON matching a schema) are masked out. One instance follows one generation.
 */
public interface TokenConstraint {

    /** Makes the constraint of one generation. */
    @FunctionalInterface
    interface Factory {
        /** @param stops stop sequences: a token whose text holds one must never be allowed */
        TokenConstraint create(Vocabulary vocabulary, List<String> stops);
    }

    /** JSON mode: the output is one JSON object ({@link JsonConstraint}). */
    static Factory jsonObject() {
        return JsonConstraint::new;
    }

    /**
     * Sets the logit of every token not allowed now to negative infinity.
     *
     * @param remaining how many tokens may still be generated, this one included
     * @return whether any token is still allowed (false ends generation with finish reason {@code length})
     */
    boolean mask(float[] logits, int remaining);

    /** Moves past the chosen token. */
    void accept(int token);
}
