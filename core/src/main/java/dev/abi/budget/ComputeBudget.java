package dev.abi.budget;

/**
 * How much model work one request may ask for, so that a single request cannot keep the CPUs busy for minutes. Each
 * bound is checked before the expensive part starts: input counts and prompt sizes before anything is tokenized,
 * token totals while counting tokens (stopping at the first input over the budget), before any model runs.
 *
 * @param maxEmbeddingInputs most inputs of one {@code /v1/embeddings} request (2048, OpenAI's limit)
 * @param maxEmbeddingTokens most tokens, markers included, of all inputs of one {@code /v1/embeddings} request (65536)
 * @param maxDocumentTokens  most tokens of all chunks of one documents request (65536)
 * @param maxPromptChars     longest prompt of a completion, or all {@code messages} contents of a chat together,
 *                           in characters (262144), checked before tokenizing
 * @param maxMessages        most {@code messages} of one chat request (2048)
 */
public record ComputeBudget(
        int maxEmbeddingInputs, int maxEmbeddingTokens, int maxDocumentTokens, int maxPromptChars, int maxMessages) {

    public ComputeBudget {
        positive("maxEmbeddingInputs", maxEmbeddingInputs);
        positive("maxEmbeddingTokens", maxEmbeddingTokens);
        positive("maxDocumentTokens", maxDocumentTokens);
        positive("maxPromptChars", maxPromptChars);
        positive("maxMessages", maxMessages);
    }

    /** The defaults listed above. */
    public static ComputeBudget defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this budget. */
    public Builder toBuilder() {
        return new Builder()
                .maxEmbeddingInputs(maxEmbeddingInputs)
                .maxEmbeddingTokens(maxEmbeddingTokens)
                .maxDocumentTokens(maxDocumentTokens)
                .maxPromptChars(maxPromptChars)
                .maxMessages(maxMessages);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /** Builds a {@link ComputeBudget}; every option starts at its default. */
    public static final class Builder {
        private int maxEmbeddingInputs = 2048;
        private int maxEmbeddingTokens = 65536;
        private int maxDocumentTokens = 65536;
        private int maxPromptChars = 262144;
        private int maxMessages = 2048;

        private Builder() {}

        public Builder maxEmbeddingInputs(int value) {
            this.maxEmbeddingInputs = value;
            return this;
        }

        public Builder maxEmbeddingTokens(int value) {
            this.maxEmbeddingTokens = value;
            return this;
        }

        public Builder maxDocumentTokens(int value) {
            this.maxDocumentTokens = value;
            return this;
        }

        public Builder maxPromptChars(int value) {
            this.maxPromptChars = value;
            return this;
        }

        public Builder maxMessages(int value) {
            this.maxMessages = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the first option below 1 */
        public ComputeBudget build() {
            return new ComputeBudget(
                    maxEmbeddingInputs, maxEmbeddingTokens, maxDocumentTokens, maxPromptChars, maxMessages);
        }
    }
}
