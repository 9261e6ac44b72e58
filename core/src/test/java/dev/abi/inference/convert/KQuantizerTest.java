package dev.abi.inference.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.inference.GgmlType;
import dev.abi.inference.GgufTensorInfo;
import dev.abi.inference.WeightMatrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round trips through our reader: rows quantized by {@link KQuantizer} (and the other types of {@link RowEncoder}),
 * then dequantized by {@code WeightMatrix}'s K-quant decoders, which follow ggml's {@code dequantize_row_q4_K} and
 * {@code dequantize_row_q6_K}. The bounds are a few times the rounding step each format allows, so a misplaced
 * scale, nibble or high bit breaks them by far.
 */
class KQuantizerTest {

    private static final int ROWS = 8;
    private static final int COLS = 1024;

    /** The values read back by our reader from {@code bytes}, a ROWS x cols tensor of {@code type}. */
    private static float[] decode(GgmlType type, byte[] bytes, int rows, int cols) {
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, bytes.length);
        WeightMatrix m = WeightMatrix.of(info, data);
        float[] all = new float[rows * cols];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.row(r, row);
            System.arraycopy(row, 0, all, r * cols, cols);
        }
        return all;
    }

    private static float[] gaussian(long seed, int n, double sigma) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return x;
    }

    /** Root-mean-square error over sigma, and the worst error over the block's range, for the type's blocks. */
    private static double[] errors(float[] x, float[] y, int block) {
        double se = 0;
        double worst = 0;
        for (int b = 0; b < x.length / block; b++) {
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (int i = b * block; i < (b + 1) * block; i++) {
                lo = Math.min(lo, x[i]);
                hi = Math.max(hi, x[i]);
            }
            for (int i = b * block; i < (b + 1) * block; i++) {
                double e = x[i] - y[i];
                se += e * e;
                worst = Math.max(worst, Math.abs(e) / (hi - lo));
            }
        }
        return new double[] {Math.sqrt(se / x.length), worst};
    }

    @Test
    void q4kRoundTripStaysWithinItsFourBitStep() {
        float[] x = gaussian(1, ROWS * COLS, 0.02);
        float[] y = decode(GgmlType.Q4_K, RowEncoder.encode(GgmlType.Q4_K, x, COLS), ROWS, COLS);
        double[] e = errors(x, y, 32);
        // 16 levels over a sub-block's range: rounding alone gives range / 15 / sqrt(12) ~ 0.075 sigma for 32
        // Gaussian values; 6-bit sub-block scales and mins add a little
        assertTrue(e[0] < 0.10 * 0.02, "rms error " + e[0] / 0.02 + " sigma");
        // no element off by more than a step and a half (the least-squares scale can pull the range in, so that an
        // extreme element clamps a little beyond half a step; a misplaced bit is off by a large part of the range)
        assertTrue(e[1] < 1.5 / 15, "worst error " + e[1] + " of a sub-block's range");
    }

    @Test
    void q6kRoundTripStaysWithinItsSixBitStep() {
        float[] x = gaussian(2, ROWS * COLS, 0.02);
        float[] y = decode(GgmlType.Q6_K, RowEncoder.encode(GgmlType.Q6_K, x, COLS), ROWS, COLS);
        double[] e = errors(x, y, 16);
        // 64 levels over twice the largest magnitude: ~0.02 sigma from rounding
        assertTrue(e[0] < 0.03 * 0.02, "rms error " + e[0] / 0.02 + " sigma");
        assertTrue(e[1] < 1.0 / 31, "worst error " + e[1] + " of a sub-block's range");
    }

    @Test
    void subBlocksOfVeryDifferentScalesEachKeepTheirOwn() {
        // sub-block j of each super-block spans about 2^(j/2) (an 11x spread, well inside what 6-bit scales hold):
        // the scales of the upper four sub-blocks carry high bits in the first bytes of the packing, which a
        // misplaced shift loses
        float[] x = gaussian(3, 2 * 256, 1);
        for (int i = 0; i < x.length; i++) {
            x[i] *= (float) Math.pow(2, (i % 256) / 32 / 2.0);
        }
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q6_K}) {
            float[] y = decode(type, RowEncoder.encode(type, x, 256), 2, 256);
            double[] e = errors(x, y, 32);
            assertTrue(e[1] < 1.0 / 10, type + ": worst error " + e[1] + " of a sub-block's range");
        }
    }

    @Test
    void zerosConstantsAndOneSignKeepTheirValues() {
        float[] x = new float[3 * 256];
        java.util.Arrays.fill(x, 256, 512, 0.75f); // constant positive: all in the scale, min 0
        for (int i = 512; i < 768; i++) {
            x[i] = -0.001f * (i - 511); // all negative: all in the min
        }
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q6_K}) {
            float[] y = decode(type, RowEncoder.encode(type, x, 256), 3, 256);
            for (int i = 0; i < 256; i++) {
                assertEquals(0f, y[i], 0f, type + " zeros");
            }
            for (int i = 256; i < 512; i++) {
                assertEquals(0.75f, y[i], 0.75f * 0.01f, type + " constant at " + i);
            }
            for (int i = 512; i < 768; i++) {
                assertEquals(x[i], y[i], 0.256f / 15, type + " negative ramp at " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"F16", "Q8_0", "Q5_0"})
    void theFallbackTypesRoundTripToo(GgmlType type) {
        float[] x = gaussian(4, 4 * 96, 0.02);
        float[] y = decode(type, RowEncoder.encode(type, x, 96), 4, 96);
        double step = switch (type) {
            case F16 -> 0.001;
            case Q8_0 -> 1.0 / 127;
            default -> 1.0 / 16;
        };
        assertTrue(errors(x, y, 32)[1] < step, type + " worst error " + errors(x, y, 32)[1]);
    }

    @Test
    void badInputIsRefusedNamingIt() {
        float[] x = new float[256];
        x[17] = Float.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> RowEncoder.encode(GgmlType.Q4_K, x, 256));
        assertTrue(e.getMessage().contains("value 17"), e.getMessage());
        var cols = assertThrows(
                IllegalArgumentException.class, () -> RowEncoder.encode(GgmlType.Q6_K, new float[200], 100));
        assertTrue(cols.getMessage().contains("cols 100"), cols.getMessage());
        var type = assertThrows(
                IllegalArgumentException.class, () -> RowEncoder.encode(GgmlType.Q2_K, new float[256], 256));
        assertTrue(type.getMessage().contains("Q2_K"), type.getMessage());
    }

    @Test
    void q4kmPicksLlamaCppsTypesPerTensor() {
        QuantRecipe r = QuantRecipe.q4KM(16, true);
        long[] square = {2048, 2048};
        // llama.cpp's use_more_bits for 16 layers: 0, 1, then every third from 4, and the last two
        int[] more = {0, 1, 4, 7, 10, 13, 14, 15};
        for (int l = 0; l < 16; l++) {
            boolean six = false;
            for (int m : more) {
                six |= m == l;
            }
            GgmlType want = six ? GgmlType.Q6_K : GgmlType.Q4_K;
            assertEquals(want, r.typeOf("blk." + l + ".attn_v.weight", new long[] {2048, 512}), "attn_v " + l);
            assertEquals(want, r.typeOf("blk." + l + ".ffn_down.weight", new long[] {8192, 2048}), "ffn_down " + l);
            assertEquals(GgmlType.Q4_K, r.typeOf("blk." + l + ".attn_q.weight", square));
            assertEquals(GgmlType.Q4_K, r.typeOf("blk." + l + ".ffn_up.weight", new long[] {2048, 8192}));
            assertEquals(GgmlType.F32, r.typeOf("blk." + l + ".attn_norm.weight", new long[] {2048}));
        }
        assertEquals(GgmlType.Q6_K, r.typeOf("token_embd.weight", new long[] {2048, 128256}));
        QuantRecipe untied = QuantRecipe.q4KM(4, false);
        assertEquals(GgmlType.Q4_K, untied.typeOf("token_embd.weight", new long[] {2048, 128256}));
        assertEquals(GgmlType.Q6_K, untied.typeOf("output.weight", new long[] {2048, 128256}));
        // 4 layers: the last one (3 >= 7 * 4 / 8) and layer 2 ((2 - 0) % 3 == 2)
        assertArrayEquals(new boolean[] {false, false, true, true}, new boolean[] {
            QuantRecipe.useMoreBits(0, 4),
            QuantRecipe.useMoreBits(1, 4),
            QuantRecipe.useMoreBits(2, 4),
            QuantRecipe.useMoreBits(3, 4)
        });
        // rows that are not whole super-blocks fall back: Q4_K to Q5_0, Q6_K to Q8_0, and F16 below 32
        assertEquals(GgmlType.Q5_0, r.typeOf("blk.2.attn_q.weight", new long[] {64, 64}));
        assertEquals(GgmlType.Q8_0, r.typeOf("blk.0.attn_v.weight", new long[] {64, 32}));
        assertEquals(GgmlType.F16, r.typeOf("blk.2.ffn_down.weight", new long[] {172, 64}));
    }
}
