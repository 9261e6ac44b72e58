package dev.abi.vector;

/**
 * Trains the quantizers whose codes an {@link HnswIndex} walk reads ({@link VectorEncoding#INT8},
 * {@link VectorEncoding#PQ}) on the index's first vectors, and encodes vectors with them. The index decides when
 * (see {@link #due}) and holds its write lock while a quantizer is trained and the vectors so far are encoded.
 */
final class QuantizerTraining {

    /** Vectors needed before int8 codes are trained; until then the walk reads floats. */
    static final int INT8_TRAINING_SIZE = 1024;
    /** Vectors needed before PQ codes are trained (k-means needs many points per centroid). */
    static final int PQ_TRAINING_SIZE = 4096;
    /** At most this many vectors train the PQ centroids. */
    static final int PQ_TRAINING_SAMPLE = 20_000;
    /** The seed of the PQ k-means, so that a build is reproducible. */
    private static final long PQ_SEED = 42;

    private QuantizerTraining() {}

    /** Whether an index with this encoding, no trained quantizer yet and {@code vectors} vectors should train one. */
    static boolean due(VectorEncoding encoding, int vectors) {
        return switch (encoding) {
            case INT8 -> vectors >= INT8_TRAINING_SIZE;
            case PQ -> vectors >= PQ_TRAINING_SIZE;
            case FLOAT32 -> false;
        };
    }

    /** Trains an int8 quantizer on the first {@code n} vectors and writes their codes into {@code codes}. */
    static ScalarQuantizer int8(float[] vectors, int n, int dimension, byte[] codes) {
        ScalarQuantizer sq = ScalarQuantizer.train(vectors, n, dimension);
        for (int node = 0; node < n; node++) {
            sq.encode(vectors, node * dimension, codes, node * dimension);
        }
        return sq;
    }

    /**
     * Trains PQ centroids on the first {@code n} vectors (at most a sample of them), with a quarter as many
     * subspaces as dimensions; cosine trains on the unit vectors.
     */
    static ProductQuantizer pq(Metric metric, float[] vectors, float[] norms, int n, int dimension) {
        int subspaces = Math.max(1, dimension / 4);
        int sample = Math.min(n, PQ_TRAINING_SAMPLE);
        float[] training = metric == Metric.COSINE ? new float[sample * dimension] : vectors;
        if (metric == Metric.COSINE) {
            for (int node = 0; node < sample; node++) {
                unit(vectors, norms, dimension, node, training, node * dimension);
            }
        }
        return ProductQuantizer.train(training, sample, dimension, subspaces, PQ_SEED);
    }

    /**
     * Writes node {@code node}'s PQ code into {@code codes}. Cosine codes the direction only: the unit vector, so
     * that a table of dot products gives the cosine.
     */
    static void encodePq(
            ProductQuantizer pq, Metric metric, float[] vectors, float[] norms, int dimension, int node, byte[] codes) {
        if (metric == Metric.COSINE) {
            float[] direction = new float[dimension];
            unit(vectors, norms, dimension, node, direction, 0);
            pq.encode(direction, 0, codes, node * pq.subspaces());
        } else {
            pq.encode(vectors, node * dimension, codes, node * pq.subspaces());
        }
    }

    private static void unit(float[] vectors, float[] norms, int dimension, int node, float[] into, int at) {
        float n = norms[node];
        float scale = n == 0f ? 0f : 1f / n;
        for (int d = 0; d < dimension; d++) {
            into[at + d] = vectors[node * dimension + d] * scale;
        }
    }
}
