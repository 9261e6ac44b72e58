package dev.abi.benchmarks;

import dev.abi.inference.GgmlType;
import dev.abi.inference.GgufWriter;
import dev.abi.inference.convert.QuantRecipe;
import dev.abi.inference.convert.RowEncoder;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

/**
 * Seeded random float weights, encoded through our own converter path ({@link RowEncoder}, with the type a recipe
 * such as {@link QuantRecipe#q4KM} picks per tensor): how the benchmarks make K-quant files from a random-weight model, as {@code
 * llama-quantize} would from a float one. Rows are drawn from their own seeds, so a tensor is the same whatever the
 * number of threads that encode it.
 */
final class FloatWeights {

    private final GgufWriter writer;
    private final BiFunction<String, long[], GgmlType> typeOf;
    private final SplittableRandom seeds;

    /** Weights for {@code writer}, each tensor's type chosen by {@code typeOf(name, dims)} (a recipe's). */
    FloatWeights(GgufWriter writer, BiFunction<String, long[], GgmlType> typeOf, long seed) {
        this.writer = writer;
        this.typeOf = typeOf;
        this.seeds = new SplittableRandom(seed);
    }

    /**
     * Adds tensor {@code name} of {@code rows} rows of {@code cols} Gaussian values of deviation {@code sigma},
     * encoded as the type chosen for it; returns that type.
     */
    GgmlType matrix(String name, int cols, int rows, double sigma) {
        long[] dims = {cols, rows};
        GgmlType type = typeOf.apply(name, dims);
        long rowBytes = type.bytesFor(cols);
        byte[] out = new byte[Math.toIntExact(rowBytes * rows)];
        long base = seeds.nextLong();
        IntStream.range(0, rows).parallel().forEach(r -> {
            SplittableRandom rnd = new SplittableRandom(base + r * 0x9E3779B97F4A7C15L);
            float[] row = new float[cols];
            for (int i = 0; i < cols; i++) {
                row[i] = (float) (rnd.nextGaussian() * sigma);
            }
            RowEncoder.encodeRow(type, row, cols, out, (int) (r * rowBytes));
        });
        writer.tensor(name, dims, type, out);
        return type;
    }

    /** Adds a one-dimensional F32 tensor of {@code n} copies of {@code value} (norm weights). */
    void constant(String name, int n, float value) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, value);
        writer.tensor(name, new long[] {n}, f);
    }
}
