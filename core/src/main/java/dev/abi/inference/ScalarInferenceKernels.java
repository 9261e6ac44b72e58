package dev.abi.inference;

import static dev.abi.inference.QuantBlock.BLOCK;
import static dev.abi.inference.QuantBlock.Q4_0_BYTES;
import static dev.abi.inference.QuantBlock.Q8_0_BYTES;
import static dev.abi.inference.QuantBlock.SCALE_BYTES;

/** Plain-Java inference kernels: the fallback when the Vector API is missing or would run slowly. */
final class ScalarInferenceKernels implements InferenceKernels {

    @Override
    public float dotOrdered(float[] a, int aOffset, float[] b, int bOffset, int len) {
        float sum = 0;
        for (int i = 0; i < len; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public void axpy(float a, float[] x, int xo, float[] y, int yo, int len) {
        for (int i = 0; i < len; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    @Override
    public void halfToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int len) {
        for (int i = 0; i < len; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src[srcOffset + i]);
        }
    }

    @Override
    public int dotBytes(byte[] a, int aOffset, byte[] b, int bOffset, int len) {
        int sum = 0;
        for (int i = 0; i < len; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public float dotQ8Row(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            float d = scale(row, b * Q8_0_BYTES);
            sum += dotBytes(row, b * Q8_0_BYTES + SCALE_BYTES, aq, b * BLOCK, BLOCK) * (d * aScales[b]);
        }
        return sum;
    }

    @Override
    public float dotQ4Row(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            float d = scale(row, b * Q4_0_BYTES);
            sum += dotQ4Block(row, b * Q4_0_BYTES + SCALE_BYTES, aq, b * BLOCK) * (d * aScales[b]);
        }
        return sum;
    }

    @Override
    public float dotQ8RowLean(byte[] row, int blocks, short[] aqWide, float[] aScales) {
        // dotQ8Row's sums in its order, from the widened activations
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            float d = scale(row, b * Q8_0_BYTES);
            int p = b * Q8_0_BYTES + SCALE_BYTES;
            int dot = 0;
            for (int j = 0; j < BLOCK; j++) {
                dot += row[p + j] * aqWide[b * BLOCK + j];
            }
            sum += dot * (d * aScales[b]);
        }
        return sum;
    }

    @Override
    public float dotQ4RowLean(byte[] row, int blocks, short[] aqWide, float[] aScales, float[] aSums) {
        // dotQ4Row's sums in its order, from the widened activations (this backend offsets every nibble)
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            float d = scale(row, b * Q4_0_BYTES);
            int p = b * Q4_0_BYTES + SCALE_BYTES;
            int a = b * BLOCK;
            int dot = 0;
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = row[p + j] & 0xFF;
                dot += ((q & 0x0F) - 8) * aqWide[a + j] + ((q >>> 4) - 8) * aqWide[a + j + BLOCK / 2];
            }
            sum += dot * (d * aScales[b]);
        }
        return sum;
    }

    @Override
    public void dotQ8Row4(byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, float[] out) {
        for (int t = 0; t < 4; t++) {
            out[t] = dotQ8Row(row, blocks, aq[t], aqWide[t], aScales[t]);
        }
    }

    @Override
    public void dotQ4Row4(
            byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, int[][] aSums, float[] out) {
        for (int t = 0; t < 4; t++) {
            out[t] = dotQ4Row(row, blocks, aq[t], aqWide[t], aScales[t], aSums[t]);
        }
    }

    @Override
    public int panelWidth() {
        return 8;
    }

    @Override
    public void gemmPanel(float[] panel, int cols, float[][] xs, int t0, int t1, float[][] outs, int r0, int rows) {
        int w = panelWidth();
        for (int t = t0; t < t1; t++) {
            float[] x = xs[t];
            for (int j = 0; j < rows; j++) {
                float s = 0;
                for (int k = 0; k < cols; k++) {
                    s = Math.fma(panel[k * w + j], x[k], s);
                }
                outs[t][r0 + j] = s;
            }
        }
    }

    @Override
    public void widenQ8Panel(byte[] quants, float[] scales, int cols, float[] out) {
        int w = panelWidth();
        for (int k = 0, at = 0; k < cols; k++) {
            int so = (k >> 5) * w;
            for (int j = 0; j < w; j++, at++) {
                out[at] = quants[at] * scales[so + j];
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public boolean tiledPrefill() {
        return true;
    }

    @Override
    public void dotPanel(
            float[] panel,
            float[] scales,
            int rows,
            int blocks,
            boolean q4,
            float[][] aqWide,
            float[][] aScales,
            int[][] aSums,
            int t0,
            int t1,
            float[][] outs,
            int r0) {
        int cols = blocks * BLOCK;
        int offset = q4 ? 8 : 0;
        for (int t = t0; t < t1; t++) {
            float[] a = aqWide[t];
            float[] as = aScales[t];
            for (int j = 0; j < rows; j++) {
                float sum = 0;
                for (int b = 0; b < blocks; b++) {
                    int w = j * cols + b * BLOCK;
                    int dot = 0;
                    for (int i = 0; i < BLOCK; i++) {
                        dot += ((int) panel[w + i] - offset) * (int) a[b * BLOCK + i];
                    }
                    sum += dot * (scales[j * blocks + b] * as[b]);
                }
                outs[t][r0 + j] = sum;
            }
        }
    }

    /** A block's half-precision scale, at byte {@code at} of the row. */
    private static float scale(byte[] row, int at) {
        return Float.float16ToFloat((short) ((row[at] & 0xFF) | (row[at + 1] << 8)));
    }

    /**
     * Exact integer dot product of one Q4_0 block's 16 packed bytes (element j is the low nibble of byte j minus 8,
     * element j + 16 the high nibble minus 8) with 32 signed bytes of {@code a}.
     */
    private static int dotQ4Block(byte[] packed, int pOffset, byte[] a, int aOffset) {
        int half = BLOCK / 2;
        int sum = 0;
        for (int j = 0; j < half; j++) {
            int q = packed[pOffset + j] & 0xFF;
            sum += ((q & 0x0F) - 8) * a[aOffset + j] + ((q >>> 4) - 8) * a[aOffset + j + half];
        }
        return sum;
    }

    @Override
    public void gemmPanel8(float[] panel, int cols, float[] xt, int xo, float[][] outs, int t0, int r0, int rows) {
        int w = panelWidth();
        for (int i = 0; i < 8; i++) {
            float[] out = outs[t0 + i];
            for (int j = 0; j < rows; j++) {
                float s = 0;
                for (int k = 0; k < cols; k++) {
                    s = Math.fma(panel[k * w + j], xt[xo + k * 8 + i], s);
                }
                out[r0 + j] = s;
            }
        }
    }

    @Override
    public void gemmQ8Panel8(
            byte[] quants,
            float[] scales,
            int cols,
            float[] wide,
            float[] xt,
            int xo,
            float[][] outs,
            int t0,
            int r0,
            int rows) {
        widenQ8Panel(quants, scales, cols, wide);
        gemmPanel8(wide, cols, xt, xo, outs, t0, r0, rows);
    }

    @Override
    public void addLayerNorm(float[] y, float[] bias, float[] residual, int ro, float[] w, float[] b, float eps) {
        int n = w.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            y[i] += bias[i] + residual[ro + i];
            sum += y[i];
        }
        float mean = (float) (sum / n);
        double var = 0;
        for (int i = 0; i < n; i++) {
            float d = y[i] - mean;
            var += (double) d * d;
        }
        float scale = (float) (1.0 / Math.sqrt((float) (var / n) + eps));
        for (int i = 0; i < n; i++) {
            y[i] = (y[i] - mean) * scale * w[i] + b[i];
        }
    }

    @Override
    public float dotQ4KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums16) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q4_K_BYTES;
            int sc = o + KQuantBlock.SCALES_AT;
            int base = k * KQuantBlock.SUPER;
            int sumi = 0;
            int mins = 0;
            // bytes 16 + 32j + l: low nibble is element 64j + l (sub-block 2j), high nibble 64j + 32 + l (2j + 1)
            for (int j = 0; j < 4; j++) {
                int lo = 0;
                int hi = 0;
                for (int l = 0; l < 32; l++) {
                    int v = row[o + 16 + 32 * j + l] & 0xFF;
                    lo += (v & 0xF) * aq[base + 64 * j + l];
                    hi += (v >>> 4) * aq[base + 64 * j + 32 + l];
                }
                int s = k * 16 + 4 * j;
                sumi += KQuantBlock.scale(row, sc, 2 * j) * lo + KQuantBlock.scale(row, sc, 2 * j + 1) * hi;
                mins += KQuantBlock.min(row, sc, 2 * j) * (aSums16[s] + aSums16[s + 1])
                        + KQuantBlock.min(row, sc, 2 * j + 1) * (aSums16[s + 2] + aSums16[s + 3]);
            }
            float d = KQuantBlock.half(row, o) * aScales[k];
            float dmin = KQuantBlock.half(row, o + 2) * aScales[k];
            sum += d * sumi - dmin * mins;
        }
        return sum;
    }

    @Override
    public float dotQ6KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q6_K_BYTES;
            int base = k * KQuantBlock.SUPER;
            int sumi = 0;
            // half n of the super-block: ql[64n + l] and ql[64n + 32 + l] hold the low 4 bits of elements
            // 128n + l, + 32, + 64, + 96 (low then high nibbles), qh[32n + l] their 2 high bits; 16 elements a scale
            for (int n = 0; n < 2; n++) {
                int ql = o + 64 * n;
                int qh = o + 128 + 32 * n;
                int sc = o + KQuantBlock.Q6_SCALES_AT + 8 * n;
                int e = base + 128 * n;
                for (int h = 0; h < 2; h++) {
                    int d1 = 0;
                    int d2 = 0;
                    int d3 = 0;
                    int d4 = 0;
                    for (int l = 16 * h; l < 16 * h + 16; l++) {
                        int a = row[ql + l] & 0xFF;
                        int b = row[ql + l + 32] & 0xFF;
                        int hb = row[qh + l] & 0xFF;
                        d1 += (((a & 0xF) | ((hb & 3) << 4)) - 32) * aq[e + l];
                        d2 += (((b & 0xF) | (((hb >>> 2) & 3) << 4)) - 32) * aq[e + l + 32];
                        d3 += (((a >>> 4) | (((hb >>> 4) & 3) << 4)) - 32) * aq[e + l + 64];
                        d4 += (((b >>> 4) | (((hb >>> 6) & 3) << 4)) - 32) * aq[e + l + 96];
                    }
                    sumi += row[sc + h] * d1 + row[sc + h + 2] * d2 + row[sc + h + 4] * d3 + row[sc + h + 6] * d4;
                }
            }
            sum += KQuantBlock.half(row, o + KQuantBlock.Q6_D_AT) * aScales[k] * sumi;
        }
        return sum;
    }

    @Override
    public float dotQ5KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums16) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q5_K_BYTES;
            int sc = o + KQuantBlock.SCALES_AT;
            int base = k * KQuantBlock.SUPER;
            int sumi = 0;
            int mins = 0;
            for (int j = 0; j < 4; j++) {
                int lo = 0;
                int hi = 0;
                for (int l = 0; l < 32; l++) {
                    int v = row[o + 48 + 32 * j + l] & 0xFF;
                    int h = row[o + 16 + l] & 0xFF;
                    lo += ((v & 0xF) | (((h >>> (2 * j)) & 1) << 4)) * aq[base + 64 * j + l];
                    hi += ((v >>> 4) | (((h >>> (2 * j + 1)) & 1) << 4)) * aq[base + 64 * j + 32 + l];
                }
                int s = k * 16 + 4 * j;
                sumi += KQuantBlock.scale(row, sc, 2 * j) * lo + KQuantBlock.scale(row, sc, 2 * j + 1) * hi;
                mins += KQuantBlock.min(row, sc, 2 * j) * (aSums16[s] + aSums16[s + 1])
                        + KQuantBlock.min(row, sc, 2 * j + 1) * (aSums16[s + 2] + aSums16[s + 3]);
            }
            float d = KQuantBlock.half(row, o) * aScales[k];
            float dmin = KQuantBlock.half(row, o + 2) * aScales[k];
            sum += d * sumi - dmin * mins;
        }
        return sum;
    }
}
