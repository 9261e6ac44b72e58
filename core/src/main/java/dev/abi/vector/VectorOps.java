package dev.abi.vector;

/**
 * The float kernels every index needs. Implementations are stateless and thread-safe.
 * Obtain the active one from {@link VectorOpsProvider#get()}.
 */
public interface VectorOps {

    /** Dot product of {@code q} with {@code len} floats of {@code data} starting at {@code offset}. */
    default float dot(float[] q, float[] data, int offset, int len) {
        return dot(q, 0, data, offset, len);
    }

    /** Squared Euclidean distance of {@code q} to {@code len} floats of {@code data} starting at {@code offset}. */
    default float squaredDistance(float[] q, float[] data, int offset, int len) {
        return squaredDistance(q, 0, data, offset, len);
    }

    /** Dot product of {@code len} floats of {@code a} from {@code aOffset} and of {@code b} from {@code bOffset}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int len);

    /**
     * As {@link #dot(float[], int, float[], int, int)}, but summed in one fixed order whether or not the JIT has
     * compiled the kernel yet, so the same inputs always give the same bits. Inference uses it (greedy decoding and
     * batched prefill must agree exactly); the index kernels may reduce lanes in whatever order is fastest.
     */
    default float dotOrdered(float[] a, int aOffset, float[] b, int bOffset, int len) {
        float sum = 0;
        for (int i = 0; i < len; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /** {@code y[yo + i] += a * x[xo + i]} for {@code i < len}. */
    default void axpy(float a, float[] x, int xo, float[] y, int yo, int len) {
        for (int i = 0; i < len; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /** Squared Euclidean distance of {@code len} floats of {@code a} from {@code aOffset} and of {@code b}. */
    float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int len);

    /**
     * Dot product of {@code q} with {@code len} little-endian floats stored in {@code bytes} from {@code byteOffset}
     * (a segment's vector column, read in place).
     */
    default float dotStored(float[] q, byte[] bytes, int byteOffset, int len) {
        float sum = 0;
        for (int i = 0; i < len; i++) {
            sum += q[i] * (float) STORED_FLOAT.get(bytes, byteOffset + 4 * i);
        }
        return sum;
    }

    /** Squared l2 distance of {@code q} to {@code len} little-endian floats stored in {@code bytes}. */
    default float squaredDistanceStored(float[] q, byte[] bytes, int byteOffset, int len) {
        float sum = 0;
        for (int i = 0; i < len; i++) {
            float d = q[i] - (float) STORED_FLOAT.get(bytes, byteOffset + 4 * i);
            sum += d * d;
        }
        return sum;
    }

    /** {@link #dotStored} of four stored vectors (byte offsets {@code o0..o3}) at once, into {@code out[at..at+3]}. */
    default void dot4Stored(float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = dotStored(q, bytes, o0, len);
        out[at + 1] = dotStored(q, bytes, o1, len);
        out[at + 2] = dotStored(q, bytes, o2, len);
        out[at + 3] = dotStored(q, bytes, o3, len);
    }

    /** {@link #squaredDistanceStored} of four stored vectors at once, into {@code out[at..at+3]}. */
    default void squaredDistance4Stored(float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out,
            int at) {
        out[at] = squaredDistanceStored(q, bytes, o0, len);
        out[at + 1] = squaredDistanceStored(q, bytes, o1, len);
        out[at + 2] = squaredDistanceStored(q, bytes, o2, len);
        out[at + 3] = squaredDistanceStored(q, bytes, o3, len);
    }

    /** Little-endian float view of a byte array, for the stored kernels' scalar forms. */
    java.lang.invoke.VarHandle STORED_FLOAT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(float[].class,
            java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * Dot products of {@code q} with four vectors of {@code data} at once (offsets {@code o0..o3}), into
     * {@code out[at..at+3]}. One pass over the query serves four vectors, and their loads overlap.
     */
    default void dot4(float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = dot(q, 0, data, o0, len);
        out[at + 1] = dot(q, 0, data, o1, len);
        out[at + 2] = dot(q, 0, data, o2, len);
        out[at + 3] = dot(q, 0, data, o3, len);
    }

    /** Whether {@link #dot4} and {@link #squaredDistance4} are real four-way kernels rather than four calls. */
    default boolean blockKernels() {
        return false;
    }

    /** Squared distances of {@code q} to four vectors of {@code data} at once, as {@link #dot4}. */
    default void squaredDistance4(float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out,
            int at) {
        out[at] = squaredDistance(q, 0, data, o0, len);
        out[at + 1] = squaredDistance(q, 0, data, o1, len);
        out[at + 2] = squaredDistance(q, 0, data, o2, len);
        out[at + 3] = squaredDistance(q, 0, data, o3, len);
    }

    /**
     * Dot product of {@code v} with {@code len} signed 8-bit codes of {@code codes} from {@code offset}, each code
     * taken as its integer value.
     */
    float dotInt8(float[] v, byte[] codes, int offset, int len);

    /**
     * Squared distance between {@code u} and the codes scaled per dimension: the sum over d of
     * {@code (u[d] - scale[d] * codes[offset + d])^2}.
     */
    float squaredDistanceInt8(float[] u, float[] scale, byte[] codes, int offset, int len);

    /** {@link #dotInt8} against four code vectors at once (offsets {@code o0..o3}), into {@code out[at..at+3]}. */
    default void dotInt8x4(float[] v, byte[] codes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = dotInt8(v, codes, o0, len);
        out[at + 1] = dotInt8(v, codes, o1, len);
        out[at + 2] = dotInt8(v, codes, o2, len);
        out[at + 3] = dotInt8(v, codes, o3, len);
    }

    /** {@link #squaredDistanceInt8} against four code vectors at once, as {@link #dotInt8x4}. */
    default void squaredDistanceInt8x4(float[] u, float[] scale, byte[] codes, int o0, int o1, int o2, int o3, int len,
            float[] out, int at) {
        out[at] = squaredDistanceInt8(u, scale, codes, o0, len);
        out[at + 1] = squaredDistanceInt8(u, scale, codes, o1, len);
        out[at + 2] = squaredDistanceInt8(u, scale, codes, o2, len);
        out[at + 3] = squaredDistanceInt8(u, scale, codes, o3, len);
    }

    /**
     * Exact integer dot product of {@code len} signed bytes of {@code a} and {@code b}: the inner loop of the
     * quantized (Q8_0, Q4_0) weight kernels, whose results must not depend on the backend.
     */
    int dotBytes(byte[] a, int aOffset, byte[] b, int bOffset, int len);

    /**
     * Exact integer dot product of one Q4_0 block's 16 packed bytes (element j is the low nibble of byte j minus 8,
     * element j + 16 the high nibble minus 8) with 32 signed bytes of {@code a}.
     */
    default int dotQ4(byte[] packed, int pOffset, byte[] a, int aOffset) {
        int sum = 0;
        for (int j = 0; j < 16; j++) {
            int q = packed[pOffset + j] & 0xFF;
            sum += ((q & 0x0F) - 8) * a[aOffset + j] + ((q >>> 4) - 8) * a[aOffset + j + 16];
        }
        return sum;
    }

    /**
     * One row of Q8_0 blocks (34 bytes each: a half-precision scale, 32 signed bytes) dotted with activations
     * quantized to Q8_0 ({@code aq}, the same values widened to shorts in {@code aqWide}, scales {@code aScales}):
     * the sum over blocks of the exact integer block dot
     * times the product of the two scales. Backends may sum in lanes, as ggml's SIMD kernels do.
     */
    default float dotQ8Row(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            float d = Float.float16ToFloat((short) ((row[b * 34] & 0xFF) | (row[b * 34 + 1] << 8)));
            sum += dotBytes(row, b * 34 + 2, aq, b * 32, 32) * (d * aScales[b]);
        }
        return sum;
    }

    /**
     * As {@link #dotQ8Row}, for a row of Q4_0 blocks (18 bytes each: a half-precision scale, 16 packed bytes);
     * {@code aSums} holds each activation block's sum of quants, which lets a kernel multiply the unsigned nibbles and
     * subtract {@code 8 * sum} once per block instead of offsetting every nibble.
     */
    default float dotQ4Row(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            float d = Float.float16ToFloat((short) ((row[b * 18] & 0xFF) | (row[b * 18 + 1] << 8)));
            sum += dotQ4(row, b * 18 + 2, aq, b * 32) * (d * aScales[b]);
        }
        return sum;
    }

    /**
     * {@link #dotQ8Row} for four inputs at once ({@code out[t]} for t below 4): each weight block is read and widened
     * once for all four. Every input's result is bit for bit what {@link #dotQ8Row} gives it (prompt processing
     * relies on that).
     */
    default void dotQ8Row4(byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, float[] out) {
        for (int t = 0; t < 4; t++) {
            out[t] = dotQ8Row(row, blocks, aq[t], aqWide[t], aScales[t]);
        }
    }

    /** As {@link #dotQ8Row4}, for Q4_0 rows ({@link #dotQ4Row}). */
    default void dotQ4Row4(byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, int[][] aSums,
                           float[] out) {
        for (int t = 0; t < 4; t++) {
            out[t] = dotQ4Row(row, blocks, aq[t], aqWide[t], aScales[t], aSums[t]);
        }
    }

    /**
     * Rows per weight panel of {@link #gemmPanel}: two vectors' worth of lanes on the Vector API (32 at 512 bits),
     * so that a tile of 4 inputs by 2 vectors stays in registers.
     */
    default int panelWidth() {
        return 8;
    }

    /**
     * A block of a matrix product: for inputs {@code t} in {@code t0..t1} and panel rows {@code j} below
     * {@code rows}, {@code outs[t][r0 + j] = sum over k of panel[k * panelWidth() + j] * xs[t][k]}, summed in k
     * order with fused multiply-adds. The panel holds {@link #panelWidth()} weight rows transposed (k-major, rows
     * past {@code rows} zero), so each weight value is loaded once for four inputs and no horizontal sums are needed.
     */
    default void gemmPanel(float[] panel, int cols, float[][] xs, int t0, int t1, float[][] outs, int r0, int rows) {
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

    /**
     * Dot products of {@code q} with the {@link #panelWidth()} vectors of a panel: vectors stored transposed
     * ({@code panel[offset + k * panelWidth() + j]} is element k of vector j), so each output lane accumulates one
     * vector and no horizontal sums are needed. Results go to {@code out[0..panelWidth())}.
     */
    default void dotPanel(float[] q, float[] panel, int offset, int len, float[] out) {
        int w = panelWidth();
        for (int j = 0; j < w; j++) {
            float s = 0;
            for (int k = 0; k < len; k++) {
                s += panel[offset + k * w + j] * q[k];
            }
            out[j] = s;
        }
    }

    /** As {@link #dotPanel}, for squared Euclidean distances. */
    default void squaredDistancePanel(float[] q, float[] panel, int offset, int len, float[] out) {
        int w = panelWidth();
        for (int j = 0; j < w; j++) {
            float s = 0;
            for (int k = 0; k < len; k++) {
                float d = panel[offset + k * w + j] - q[k];
                s += d * d;
            }
            out[j] = s;
        }
    }

    /** A short name for logs and health output, e.g. {@code panama-256} or {@code scalar}. */
    String name();
}
