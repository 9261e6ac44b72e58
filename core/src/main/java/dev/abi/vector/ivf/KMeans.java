package dev.abi.vector.ivf;

import dev.abi.vector.VectorOps;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Lloyd's k-means on squared Euclidean distance, over training vectors stored back to back. Seeds with distinct
 * random training vectors; an emptied cluster is re-seeded with a random training vector. Assignment runs in
 * parallel (the indexer's cores), never on a query path.
 */
final class KMeans {

    private KMeans() {}

    /** {@code k} centroids of the {@code n} vectors in {@code data}, after {@code iterations} rounds. */
    static float[] train(float[] data, int n, int dim, int k, int iterations, long seed, VectorOps ops) {
        Random random = new Random(seed);
        float[] centroids = new float[k * dim];
        int[] order = IntStream.range(0, n).toArray();
        for (int i = 0; i < k; i++) { // partial Fisher-Yates: k distinct vectors
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            System.arraycopy(data, order[i] * dim, centroids, i * dim, dim);
        }
        int[] assigned = new int[n];
        for (int it = 0; it < iterations; it++) {
            float[] current = centroids;
            IntStream.range(0, n).parallel().forEach(i -> assigned[i] = nearest(ops, current, k, dim, data, i * dim));
            double[] sums = new double[k * dim];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                int c = assigned[i];
                counts[c]++;
                for (int d = 0; d < dim; d++) {
                    sums[c * dim + d] += data[i * dim + d];
                }
            }
            float[] next = new float[k * dim];
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    System.arraycopy(data, random.nextInt(n) * dim, next, c * dim, dim);
                    continue;
                }
                for (int d = 0; d < dim; d++) {
                    next[c * dim + d] = (float) (sums[c * dim + d] / counts[c]);
                }
            }
            centroids = next;
        }
        return centroids;
    }

    /** Rounds of {@link #splitLarge}: a split can leave a part that is still too large, which the next round splits. */
    static final int SPLIT_ROUNDS = 6;

    /**
     * Replaces every centroid whose share of the training vectors exceeds {@code factor} times the mean by
     * {@code ceil(share / mean)} centroids trained on its own vectors, then does it again on the result (up to
     * {@link #SPLIT_ROUNDS} rounds, until no cluster is larger): k-means on embeddings leaves "hub" clusters that
     * queries probe, and their size is what a query reads, and one split of a hub can leave a smaller hub among its
     * parts. The mean is that of the first {@code k} centroids, so the split parts stay near it. Every vector still
     * goes to its nearest centroid (the query side finds the part it lies in, unlike a cap). Answers the new
     * centroids (more of them).
     */
    static float[] splitLarge(
            float[] data,
            int n,
            int dim,
            float[] centroids,
            int k,
            double factor,
            int iterations,
            long seed,
            VectorOps ops) {
        double mean = (double) n / k;
        float[] current = centroids;
        for (int round = 0; round < SPLIT_ROUNDS; round++) {
            float[] next = splitOnce(data, n, dim, current, mean, factor, iterations, seed + 7919L * round, ops);
            if (next == null) {
                break;
            }
            current = next;
        }
        return current;
    }

    /** One round of {@link #splitLarge}; null when no cluster is larger than {@code factor * mean}. */
    private static float[] splitOnce(
            float[] data,
            int n,
            int dim,
            float[] centroids,
            double mean,
            double factor,
            int iterations,
            long seed,
            VectorOps ops) {
        int k = centroids.length / dim;
        int[] assigned = new int[n];
        IntStream.range(0, n).parallel().forEach(i -> assigned[i] = nearest(ops, centroids, k, dim, data, i * dim));
        int[] counts = new int[k];
        for (int a : assigned) {
            counts[a]++;
        }
        boolean any = false;
        for (int c = 0; c < k && !any; c++) {
            any = counts[c] > factor * mean && counts[c] >= 2;
        }
        if (!any) {
            return null;
        }
        java.util.List<float[]> out = new java.util.ArrayList<>();
        for (int c = 0; c < k; c++) {
            if (counts[c] <= factor * mean || counts[c] < 2) {
                if (counts[c] > 0) { // a centroid that no training vector is nearest to is dropped
                    out.add(java.util.Arrays.copyOfRange(centroids, c * dim, (c + 1) * dim));
                }
                continue;
            }
            float[] members = new float[counts[c] * dim];
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (assigned[i] == c) {
                    System.arraycopy(data, i * dim, members, m++ * dim, dim);
                }
            }
            splitDeep(members, m, dim, mean, factor, iterations, seed + c, ops, 0, out);
        }
        return concat(out, dim);
    }

    /**
     * The centroids of about {@code m / mean} parts of the {@code m} {@code members} (stored back to back), a part
     * still holding more than {@code factor * mean} of them split again as in {@link #splitLarge}; parts no member
     * is nearest to are dropped. The writer uses it on a cluster of the full assignment that is still too large.
     */
    static float[] splitMembers(
            float[] members, int m, int dim, double mean, double factor, int iterations, long seed, VectorOps ops) {
        java.util.List<float[]> out = new java.util.ArrayList<>();
        splitDeep(members, m, dim, mean, factor, iterations, seed, ops, 0, out);
        return concat(out, dim);
    }

    /** The {@code dim}-wide vectors of {@code parts} back to back in one array. */
    static float[] concat(java.util.List<float[]> parts, int dim) {
        float[] result = new float[parts.size() * dim];
        for (int j = 0; j < parts.size(); j++) {
            System.arraycopy(parts.get(j), 0, result, j * dim, dim);
        }
        return result;
    }

    /** Depth of {@link #splitDeep}'s recursion into a part that is still too large. */
    static final int SPLIT_DEPTH = 8;

    /**
     * Adds to {@code out} the centroids of about {@code m / mean} clusters of the {@code m} {@code members}; a part
     * that still holds more than {@code factor * mean} of them (k-means within a hub leaves a smaller hub) is split
     * the same way, up to {@link #SPLIT_DEPTH} levels. Parts no member is nearest to are dropped.
     */
    private static void splitDeep(
            float[] members,
            int m,
            int dim,
            double mean,
            double factor,
            int iterations,
            long seed,
            VectorOps ops,
            int depth,
            java.util.List<float[]> out) {
        int parts = Math.max(2, Math.min(m, (int) Math.ceil(m / mean)));
        float[] sub = train(members, m, dim, parts, iterations, seed, ops);
        int[] assigned = new int[m];
        IntStream.range(0, m).parallel().forEach(i -> assigned[i] = nearest(ops, sub, parts, dim, members, i * dim));
        int[] counts = new int[parts];
        for (int a : assigned) {
            counts[a]++;
        }
        for (int j = 0; j < parts; j++) {
            if (counts[j] == 0) {
                continue;
            }
            if (counts[j] <= factor * mean || counts[j] == m || depth >= SPLIT_DEPTH) {
                out.add(java.util.Arrays.copyOfRange(sub, j * dim, (j + 1) * dim));
                continue;
            }
            float[] part = new float[counts[j] * dim];
            int at = 0;
            for (int i = 0; i < m; i++) {
                if (assigned[i] == j) {
                    System.arraycopy(members, i * dim, part, at++ * dim, dim);
                }
            }
            splitDeep(part, at, dim, mean, factor, iterations, seed * 31 + j, ops, depth + 1, out);
        }
    }

    /** The {@code m} centroids closest to {@code dim} floats of {@code v} from {@code offset}, nearest first. */
    static int[] nearestFew(VectorOps ops, float[] centroids, int k, int dim, float[] v, int m) {
        int[] best = new int[m];
        float[] distance = new float[m];
        java.util.Arrays.fill(distance, Float.POSITIVE_INFINITY);
        for (int c = 0; c < k; c++) {
            float d = ops.squaredDistance(v, 0, centroids, c * dim, dim);
            if (d < distance[m - 1]) {
                int at = m - 1;
                while (at > 0 && distance[at - 1] > d) {
                    distance[at] = distance[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                distance[at] = d;
                best[at] = c;
            }
        }
        return best;
    }

    /** The centroid closest to {@code dim} floats of {@code v} from {@code offset}. */
    static int nearest(VectorOps ops, float[] centroids, int k, int dim, float[] v, int offset) {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            float d = ops.squaredDistance(v, offset, centroids, c * dim, dim);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }
}
