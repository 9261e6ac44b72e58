package dev.abi.benchmarks.ann;

import dev.abi.vector.Metric;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/** The benchmark's datasets: Fashion-MNIST (real) and seeded embedding-like synthetic sets. */
public final class Datasets {

    /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private Datasets() {}

    /**
     * Fashion-MNIST as in ann-benchmarks' fashion-mnist-784-euclidean: the 60k training images as base, test images
     * as queries, l2 on raw pixel values. Returns null when the package is not installed.
     */
    public static Dataset fashionMnist(int queries, int k) throws IOException {
        Path train = FASHION_MNIST.resolve("train-images-idx3-ubyte.gz");
        Path test = FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz");
        if (!Files.exists(train) || !Files.exists(test)) {
            return null;
        }
        return Dataset.of(
                "fashion-mnist-784-l2", Metric.L2, images(train, Integer.MAX_VALUE), images(test, queries), k);
    }

    private static float[][] images(Path file, int limit) throws IOException {
        try (InputStream raw = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (in.readInt() != 2051) {
                throw new IOException(file + " is not an idx3 image file");
            }
            int n = Math.min(limit, in.readInt());
            int pixels = in.readInt() * in.readInt();
            float[][] out = new float[n][pixels];
            byte[] row = new byte[pixels];
            for (int i = 0; i < n; i++) {
                in.readFully(row);
                for (int p = 0; p < pixels; p++) {
                    out[i][p] = row[p] & 0xff;
                }
            }
            return out;
        }
    }

    /**
     * Embedding-like vectors: a Gaussian mixture of {@code clusters} centres in a {@code rank}-dimensional latent
     * space, lifted by a random linear map to {@code dim} dimensions, plus isotropic noise, normalised to unit length.
     * Queries come from the same distribution but are not base vectors. Metric: inner product.
     */
    public static Dataset synthetic(String name, int n, int dim, int queries, int k, long seed) {
        int rank = Math.min(dim, 48);
        int clusters = 300;
        Random random = new Random(seed);
        float[][] lift = gaussian(random, rank, dim, (float) (1 / Math.sqrt(rank)));
        float[][] centres = gaussian(random, clusters, rank, 1f);
        return Dataset.of(
                name, Metric.DOT, sample(random, n, lift, centres), sample(random, queries, lift, centres), k);
    }

    private static float[][] sample(Random random, int n, float[][] lift, float[][] centres) {
        int rank = lift.length;
        int dim = lift[0].length;
        float[][] out = new float[n][dim];
        float[] latent = new float[rank];
        for (float[] v : out) {
            float[] c = centres[random.nextInt(centres.length)];
            for (int r = 0; r < rank; r++) {
                latent[r] = c[r] + 0.6f * (float) random.nextGaussian();
            }
            for (int r = 0; r < rank; r++) {
                float l = latent[r];
                float[] row = lift[r];
                for (int d = 0; d < dim; d++) {
                    v[d] += l * row[d];
                }
            }
            double sq = 0;
            for (int d = 0; d < dim; d++) {
                v[d] += 0.08f * (float) random.nextGaussian();
                sq += v[d] * v[d];
            }
            float inv = (float) (1 / Math.sqrt(sq));
            for (int d = 0; d < dim; d++) {
                v[d] *= inv;
            }
        }
        return out;
    }

    private static float[][] gaussian(Random random, int rows, int cols, float scale) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = scale * (float) random.nextGaussian();
            }
        }
        return m;
    }
}
