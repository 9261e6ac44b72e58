package dev.abi.testing;

import dev.abi.inference.Embedder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test embedder: one token per whitespace-separated word, every vector the unit vector (1, 0). Built {@link
 * #blocking()}, its first batch counts down {@link #firstBatch} and waits for {@link #release}, so a test can act
 * while an embedding is under way; {@link #batches} counts the batches embedded.
 */
public final class WordEmbedder implements Embedder {

    public final AtomicInteger batches = new AtomicInteger();
    public final CountDownLatch firstBatch;
    public final CountDownLatch release;

    private WordEmbedder(CountDownLatch firstBatch, CountDownLatch release) {
        this.firstBatch = firstBatch;
        this.release = release;
    }

    /** An embedder that never waits. */
    public static WordEmbedder immediate() {
        return new WordEmbedder(null, null);
    }

    /** An embedder whose first batch waits for {@link #release}. */
    public static WordEmbedder blocking() {
        return new WordEmbedder(new CountDownLatch(1), new CountDownLatch(1));
    }

    @Override
    public String name() {
        return "words";
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public int maxTokens() {
        return 64;
    }

    @Override
    public int[] tokenize(String text) {
        int[] ids = new int[Math.min(maxTokens(), countTokens(text) + 2)];
        Arrays.fill(ids, 1);
        return ids;
    }

    @Override
    public int countTokens(String text) {
        return text.isBlank() ? 0 : text.trim().split("\\s+").length;
    }

    @Override
    public float[][] embedTokens(List<int[]> inputs) {
        if (batches.incrementAndGet() == 1 && firstBatch != null) {
            firstBatch.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        float[][] out = new float[inputs.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[] {1f, 0f};
        }
        return out;
    }
}
