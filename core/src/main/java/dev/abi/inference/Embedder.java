package dev.abi.inference;

import java.util.List;

/** A loaded sentence-embedding model: text to unit vectors. Thread-safe. */
public interface Embedder {

    /** The name it is served under. */
    String name();

    /** Length of its vectors. */
    int dimension();

    /** The longest input in tokens, the model's markers ({@code [CLS]}, {@code [SEP]}) included. */
    int maxTokens();

    /** Token ids of {@code text} with the model's markers, cut to {@link #maxTokens()}. */
    int[] tokenize(String text);

    /** How many tokens {@code text} has, without the markers and without any cut. */
    int countTokens(String text);

    /** Unit vectors of already tokenized inputs ({@link #tokenize}), computed together. */
    float[][] embedTokens(List<int[]> inputs);

    /** Unit vectors of {@code texts}, computed together. */
    default float[][] embed(List<String> texts) {
        return embedTokens(texts.stream().map(this::tokenize).toList());
    }
}
