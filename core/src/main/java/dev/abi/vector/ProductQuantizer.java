package dev.abi.vector;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Product quantization: the dimensions are cut into {@code subspaces} contiguous slices, and each slice of a vector
 * is replaced by the index (one byte) of its nearest of 256 centroids, learnt by k-means on a sample. A query is
 * scored against codes through a per-query table of its distance to every centroid (asymmetric distance).
 */
public final class ProductQuantizer {

    /** Centroids per subspace: one byte per code. */
    public static final int CENTROIDS = 256;

    private static final int ITERATIONS = 12;

    private final int dimension;
    private final int[] starts;
    /** Centroid values: subspace s, centroid c starts at {@code (starts[s] * CENTROIDS) + c * width(s)}. */
    private final float[] centroids;
    /** The same values by dimension: dimension d of centroid c (of d's subspace) is at {@code d * CENTROIDS + c}. */
    private final float[] byDimension;
    /**
     * Each thread's table buffer. A table is subspaces x 256 floats (200 KB at 784-d): allocated per query, it made
     * the searching thread touch fresh memory all the time, and whole phases of PQ searches ran 3x slower.
     */
    private final ThreadLocal<float[]> tables;

    ProductQuantizer(int dimension, int[] starts, float[] centroids) {
        this.tables = ThreadLocal.withInitial(() -> new float[(starts.length - 1) * CENTROIDS]);
        this.dimension = dimension;
        this.starts = starts;
        this.centroids = centroids;
        this.byDimension = new float[centroids.length];
        for (int s = 0; s + 1 < starts.length; s++) {
            int from = starts[s];
            int width = starts[s + 1] - from;
            for (int c = 0; c < CENTROIDS; c++) {
                for (int j = 0; j < width; j++) {
                    byDimension[(from + j) * CENTROIDS + c] = centroids[from * CENTROIDS + c * width + j];
                }
            }
        }
    }

    /**
     * Trains on {@code count} vectors of {@code dim} floats stored back to back in {@code vectors}, with k-means
     * (k-means++ seeding, {@value #ITERATIONS} Lloyd iterations) per subspace, in parallel. Deterministic for a seed.
     */
    public static ProductQuantizer train(float[] vectors, int count, int dim, int subspaces, long seed) {
        if (subspaces < 1 || subspaces > dim) {
            throw new IllegalArgumentException(
                    "subspaces must be between 1 and the dimension " + dim + ", got " + subspaces);
        }
        if (count < CENTROIDS) {
            throw new IllegalArgumentException(
                    "product quantization needs at least " + CENTROIDS + " training vectors, got " + count);
        }
        int[] starts = new int[subspaces + 1];
        for (int s = 0; s <= subspaces; s++) {
            starts[s] = (int) ((long) s * dim / subspaces);
        }
        float[] centroids = new float[dim * CENTROIDS];
        IntStream.range(0, subspaces).parallel().forEach(s -> {
            int from = starts[s];
            int width = starts[s + 1] - from;
            float[] slice = new float[count * width];
            for (int i = 0; i < count; i++) {
                System.arraycopy(vectors, i * dim + from, slice, i * width, width);
            }
            float[] learnt = kMeans(slice, count, width, new SplittableRandom(seed + s));
            System.arraycopy(learnt, 0, centroids, from * CENTROIDS, learnt.length);
        });
        return new ProductQuantizer(dim, starts, centroids);
    }

    /** Number of subspaces, which is the code length in bytes. */
    public int subspaces() {
        return starts.length - 1;
    }

    /** Encodes {@code dim} floats of {@code src} from {@code srcOffset} into {@code subspaces()} bytes of {@code dst}. */
    public void encode(float[] src, int srcOffset, byte[] dst, int dstOffset) {
        for (int s = 0; s < subspaces(); s++) {
            int from = starts[s];
            int width = starts[s + 1] - from;
            int base = from * CENTROIDS;
            int best = 0;
            float bestDistance = Float.POSITIVE_INFINITY;
            for (int c = 0; c < CENTROIDS; c++) {
                float d = 0;
                int at = base + c * width;
                for (int j = 0; j < width; j++) {
                    float diff = src[srcOffset + from + j] - centroids[at + j];
                    d += diff * diff;
                }
                if (d < bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
            dst[dstOffset + s] = (byte) best;
        }
    }

    /**
     * The per-query table: entry {@code s * 256 + c} is the squared distance (for {@code dotProduct == false}) or
     * the dot product of the query's slice {@code s} with centroid {@code c}. Summing one entry per subspace gives
     * the query's squared distance or dot product with a coded vector.
     */
    public float[] table(float[] query, boolean dotProduct) {
        return fill(new float[subspaces() * CENTROIDS], query, dotProduct);
    }

    /**
     * As {@link #table}, in the calling thread's buffer, which searches reuse: it holds until this thread asks for
     * its next scratch table.
     */
    float[] scratchTable(float[] query, boolean dotProduct) {
        float[] table = tables.get();
        Arrays.fill(table, 0f);
        return fill(table, query, dotProduct);
    }

    private float[] fill(float[] table, float[] query, boolean dotProduct) {
        // The inner loops run over 256 contiguous centroids, which C2 turns into SIMD code.
        for (int s = 0; s < subspaces(); s++) {
            int row = s * CENTROIDS;
            for (int d = starts[s]; d < starts[s + 1]; d++) {
                float x = query[d];
                int column = d * CENTROIDS;
                if (dotProduct) {
                    for (int c = 0; c < CENTROIDS; c++) {
                        table[row + c] += x * byDimension[column + c];
                    }
                } else {
                    for (int c = 0; c < CENTROIDS; c++) {
                        float diff = x - byDimension[column + c];
                        table[row + c] += diff * diff;
                    }
                }
            }
        }
        return table;
    }

    int[] startsShared() {
        return starts;
    }

    float[] centroidsShared() {
        return centroids;
    }

    /** The dimension this quantizer encodes. */
    public int dimension() {
        return dimension;
    }

    private static float[] kMeans(float[] points, int n, int width, SplittableRandom random) {
        float[] centres = new float[CENTROIDS * width];
        // k-means++ seeding: each next centre is drawn with probability proportional to its squared distance.
        float[] nearest = new float[n];
        Arrays.fill(nearest, Float.POSITIVE_INFINITY);
        int first = random.nextInt(n);
        System.arraycopy(points, first * width, centres, 0, width);
        for (int c = 1; c < CENTROIDS; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                float d = squared(points, i * width, centres, (c - 1) * width, width);
                if (d < nearest[i]) {
                    nearest[i] = d;
                }
                total += nearest[i];
            }
            double pick = random.nextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) {
                pick -= nearest[i];
                if (pick <= 0) {
                    chosen = i;
                    break;
                }
            }
            System.arraycopy(points, chosen * width, centres, c * width, width);
        }
        int[] assignment = new int[n];
        double[] sums = new double[CENTROIDS * width];
        int[] counts = new int[CENTROIDS];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            for (int i = 0; i < n; i++) {
                int best = 0;
                float bestDistance = Float.POSITIVE_INFINITY;
                for (int c = 0; c < CENTROIDS; c++) {
                    float d = squared(points, i * width, centres, c * width, width);
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = c;
                    }
                }
                assignment[i] = best;
            }
            Arrays.fill(sums, 0);
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                int c = assignment[i];
                counts[c]++;
                for (int j = 0; j < width; j++) {
                    sums[c * width + j] += points[i * width + j];
                }
            }
            for (int c = 0; c < CENTROIDS; c++) {
                if (counts[c] == 0) {
                    // An empty cluster takes a random point, so no code value is wasted.
                    System.arraycopy(points, random.nextInt(n) * width, centres, c * width, width);
                    continue;
                }
                for (int j = 0; j < width; j++) {
                    centres[c * width + j] = (float) (sums[c * width + j] / counts[c]);
                }
            }
        }
        return centres;
    }

    private static float squared(float[] a, int ao, float[] b, int bo, int width) {
        float d = 0;
        for (int j = 0; j < width; j++) {
            float diff = a[ao + j] - b[bo + j];
            d += diff * diff;
        }
        return d;
    }
}
