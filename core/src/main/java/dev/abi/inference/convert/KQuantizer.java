package dev.abi.inference.convert;

/**
 * Quantizes floats into ggml's Q4_K and Q6_K super-blocks of 256, in the exact byte layouts of {@code block_q4_K}
 * ({@code d}, {@code dmin} as halves, 12 bytes of packed 6-bit scales and mins, 128 bytes of nibbles) and {@code
 * block_q6_K} (128 bytes of low nibbles {@code ql}, 64 bytes of high bit pairs {@code qh}, 16 signed 8-bit scales,
 * {@code d} as a half), so that llama.cpp and our reader ({@code WeightMatrix.KQuant}) decode the same values.
 *
 * <p><b>The search.</b> Each sub-block (32 elements for Q4_K, 16 for Q6_K) tries a few candidate scales around the
 * one that maps its range onto the quant range; for each, it rounds the quants and then fits the scale (and, for
 * Q4_K, the minimum) by least squares for those quants, keeping the candidate with the smallest squared error. The
 * super-block's scale then quantizes the sub-block scales to 6 bits (Q4_K) or 8 bits (Q6_K), and the quants are
 * rounded again against the scales as stored. llama.cpp's reference quantizer ({@code make_qkx2_quants}, {@code
 * make_qx_quants}) does the same, with differences that change some quants but not the format: it weights each
 * element's squared error (by {@code rms + |x|} for Q4_K, by {@code x²} for Q6_K) where this one weights all alike,
 * and it tries 21 (Q4_K) or 19 (Q6_K) candidates where this one tries {@value #CANDIDATES}. With an importance
 * matrix llama.cpp weights differently again; none is used here.
 *
 * <p>The methods keep no state (each call allocates its own small scratch) and may be called from many threads at
 * once.
 */
public final class KQuantizer {

    /** Elements per K-quant super-block. */
    public static final int QK_K = 256;

    /** Bytes of a Q4_K super-block. */
    public static final int Q4_K_BYTES = 144;

    /** Bytes of a Q6_K super-block. */
    public static final int Q6_K_BYTES = 210;

    /** Candidate scales tried per sub-block. */
    static final int CANDIDATES = 9;

    private KQuantizer() {}

    /**
     * Quantizes {@code x[from .. from + 256)} into one Q4_K block at {@code out[at .. at + 144)}.
     *
     * @throws IllegalArgumentException when a value is not finite
     */
    public static void quantizeQ4K(float[] x, int from, byte[] out, int at) {
        checkFinite(x, from);
        float[] scales = new float[8];
        float[] mins = new float[8];
        int[] q = new int[QK_K];
        for (int j = 0; j < 8; j++) {
            float[] fit = fitAffine(x, from + 32 * j, 32, 15);
            scales[j] = fit[0];
            mins[j] = fit[1];
        }
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        int[] ls = new int[8];
        int[] lm = new int[8];
        for (int j = 0; j < 8; j++) {
            ls[j] = Math.min(63, nearest(invScale * scales[j]));
            lm[j] = Math.min(63, nearest(invMin * mins[j]));
        }
        short dHalf = Float.floatToFloat16(maxScale / 63f);
        short mHalf = Float.floatToFloat16(maxMin / 63f);
        java.util.Arrays.fill(out, at, at + Q4_K_BYTES, (byte) 0);
        putHalf(out, at, dHalf);
        putHalf(out, at + 2, mHalf);
        int sc = at + 4;
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                out[sc + j] = (byte) ls[j];
                out[sc + j + 4] = (byte) lm[j];
            } else {
                out[sc + j + 4] = (byte) ((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
                out[sc + j - 4] |= (byte) ((ls[j] >>> 4) << 6);
                out[sc + j] |= (byte) ((lm[j] >>> 4) << 6);
            }
        }
        // the quants again, against the scales and mins as stored
        float d = Float.float16ToFloat(dHalf);
        float dmin = Float.float16ToFloat(mHalf);
        for (int j = 0; j < 8; j++) {
            float dd = d * ls[j];
            if (dd == 0) {
                continue;
            }
            float dm = dmin * lm[j];
            for (int i = 0; i < 32; i++) {
                int l = nearest((x[from + 32 * j + i] + dm) / dd);
                q[32 * j + i] = Math.clamp(l, 0, 15);
            }
        }
        int qs = at + 16;
        for (int j = 0; j < QK_K; j += 64) {
            for (int l = 0; l < 32; l++) {
                out[qs + l] = (byte) (q[j + l] | (q[j + l + 32] << 4));
            }
            qs += 32;
        }
    }

    /**
     * Quantizes {@code x[from .. from + 256)} into one Q6_K block at {@code out[at .. at + 210)}.
     *
     * @throws IllegalArgumentException when a value is not finite
     */
    public static void quantizeQ6K(float[] x, int from, byte[] out, int at) {
        checkFinite(x, from);
        float[] scales = new float[16];
        int[] q = new int[QK_K];
        float maxScale = 0;
        for (int j = 0; j < 16; j++) {
            scales[j] = fitSymmetric(x, from + 16 * j, 16, 32);
            if (Math.abs(scales[j]) > Math.abs(maxScale)) {
                maxScale = scales[j];
            }
        }
        java.util.Arrays.fill(out, at, at + Q6_K_BYTES, (byte) 0);
        if (maxScale == 0) {
            // all zero: zero scales decode every element to 0 whatever the quants
            return;
        }
        float iscale = -128f / maxScale;
        short dHalf = Float.floatToFloat16(1f / iscale);
        putHalf(out, at + 208, dHalf);
        float d = Float.float16ToFloat(dHalf);
        for (int j = 0; j < 16; j++) {
            int s = Math.min(127, nearest(iscale * scales[j]));
            out[at + 192 + j] = (byte) s;
            float dd = d * s;
            for (int i = 0; i < 16; i++) {
                int l = dd == 0 ? 0 : Math.clamp(nearest(x[from + 16 * j + i] / dd), -32, 31);
                q[16 * j + i] = l + 32;
            }
        }
        int ql = at;
        int qh = at + 128;
        for (int j = 0; j < QK_K; j += 128) {
            for (int l = 0; l < 32; l++) {
                int q1 = q[j + l];
                int q2 = q[j + l + 32];
                int q3 = q[j + l + 64];
                int q4 = q[j + l + 96];
                out[ql + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                out[ql + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                out[qh + l] = (byte) ((q1 >>> 4) | ((q2 >>> 4) << 2) | ((q3 >>> 4) << 4) | ((q4 >>> 4) << 6));
            }
            ql += 64;
            qh += 32;
        }
    }

    /**
     * Fits {@code x[from .. from + n) ≈ scale * q - min} with integer {@code q} in {@code 0..nmax}, {@code scale >= 0}
     * and {@code min >= 0} (ggml's offset is never above zero); returns {@code {scale, min}}.
     */
    static float[] fitAffine(float[] x, int from, int n, int nmax) {
        float lo = x[from];
        float hi = x[from];
        double sumX = 0;
        double sumX2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[from + i];
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            sumX += v;
            sumX2 += (double) v * v;
        }
        lo = Math.min(lo, 0f);
        if (hi <= lo) {
            return new float[] {0f, -lo};
        }
        // the min-max fit first, then candidates around it
        float bestScale = (hi - lo) / nmax;
        float bestMin = lo;
        double bestErr = Double.MAX_VALUE;
        for (int c = -1; c < CANDIDATES; c++) {
            float iscale = c < 0 ? nmax / (hi - lo) : (nmax - 1f + 2f * c / (CANDIDATES - 1)) / (hi - lo);
            double sumL = 0;
            double sumL2 = 0;
            double sumLX = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.clamp(nearest(iscale * (x[from + i] - lo)), 0, nmax);
                sumL += l;
                sumL2 += l * l;
                sumLX += l * (double) x[from + i];
            }
            double det = n * sumL2 - sumL * sumL;
            double s;
            double m;
            if (det > 0) {
                s = (n * sumLX - sumL * sumX) / det;
                m = (sumL2 * sumX - sumL * sumLX) / det;
            } else {
                s = 0;
                m = sumX / n;
            }
            if (m > 0 || s < 0) {
                // ggml's minimum is never above zero: refit the scale alone
                m = 0;
                s = sumL2 > 0 ? Math.max(0, sumLX / sumL2) : 0;
            }
            double err = sumX2 - 2 * s * sumLX - 2 * m * sumX + s * s * sumL2 + 2 * s * m * sumL + n * m * m;
            if (c < 0 || err < bestErr) {
                bestErr = err;
                bestScale = (float) s;
                bestMin = (float) m;
            }
        }
        return new float[] {bestScale, -bestMin};
    }

    /**
     * Fits {@code x[from .. from + n) ≈ scale * q} with integer {@code q} in {@code -nmax .. nmax - 1}; returns the
     * scale (signed: as in ggml, the element of largest magnitude maps towards {@code -nmax}).
     */
    static float fitSymmetric(float[] x, int from, int n, int nmax) {
        float max = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[from + i]) > Math.abs(max)) {
                max = x[from + i];
            }
        }
        if (max == 0) {
            return 0f;
        }
        float bestScale = 0;
        double bestGain = -1;
        int half = CANDIDATES / 2;
        for (int c = -half; c <= half; c++) {
            float iscale = -(nmax + 0.25f * c) / max;
            double sumL2 = 0;
            double sumLX = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.clamp(nearest(iscale * x[from + i]), -nmax, nmax - 1);
                sumL2 += l * l;
                sumLX += l * (double) x[from + i];
            }
            // the least-squares scale sumLX / sumL2 leaves an error of sum(x²) - sumLX² / sumL2
            double gain = sumL2 > 0 ? sumLX * sumLX / sumL2 : 0;
            if (gain > bestGain) {
                bestGain = gain;
                bestScale = sumL2 > 0 ? (float) (sumLX / sumL2) : 0f;
            }
        }
        return bestScale;
    }

    private static void checkFinite(float[] x, int from) {
        if (from < 0 || from + QK_K > x.length) {
            throw new IllegalArgumentException(
                    "a super-block needs " + QK_K + " values from " + from + ", have " + Math.max(0, x.length - from));
        }
        for (int i = from; i < from + QK_K; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("value " + i + " is " + x[i] + ": only finite values quantize");
            }
        }
    }

    /** Rounds to the nearest integer, halves to even, as ggml's {@code nearest_int}. */
    private static int nearest(float v) {
        return (int) Math.rint(v);
    }

    private static void putHalf(byte[] b, int at, short h) {
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >> 8);
    }
}
