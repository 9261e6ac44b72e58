package dev.abi.inference;

/**
 * The kernels of inference: GGML quantized weight rows (Q8_0, Q4_0) against Q8_0 activations, the exact integer
 * block products under them, float dots in one fixed order, and the panel matrix product. Block geometry is
 * {@link GgmlType}'s. Implementations ({@link PanamaInferenceKernels} on the Vector API,
 * {@link ScalarInferenceKernels} in plain Java) are stateless and thread-safe; obtain the active one from
 * {@link InferenceKernelsProvider#get()}.
 */
public interface InferenceKernels {

    /**
     * Dot product of {@code len} floats of {@code a} from {@code aOffset} and of {@code b} from {@code bOffset},
     * summed in one fixed order whether or not the JIT has compiled the kernel yet, so the same inputs always give
     * the same bits (greedy decoding and batched prefill must agree exactly).
     */
    float dotOrdered(float[] a, int aOffset, float[] b, int bOffset, int len);

    /** {@code y[yo + i] += a * x[xo + i]} for {@code i < len}. */
    void axpy(float a, float[] x, int xo, float[] y, int yo, int len);

    /**
     * Widens {@code len} IEEE half floats of {@code src} from {@code srcOffset} into {@code dst} from
     * {@code dstOffset}: exactly {@link Float#float16ToFloat} of each (every half float is a float), for reading an
     * F16 KV cache ({@link KvCacheType#F16}).
     */
    void halfToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int len);

    /**
     * Exact integer dot product of {@code len} signed bytes of {@code a} and {@code b}: the inner loop of the
     * quantized weight kernels, whose results must not depend on the backend.
     */
    int dotBytes(byte[] a, int aOffset, byte[] b, int bOffset, int len);

    /**
     * One row of Q8_0 blocks ({@link GgmlType#Q8_0}: a half-precision scale, 32 signed bytes) dotted with
     * activations quantized to Q8_0 ({@code aq}, the same values widened to shorts in {@code aqWide}, scales
     * {@code aScales}): the sum over blocks of the exact integer block dot times the product of the two scales.
     * Backends may sum in lanes, as ggml's SIMD kernels do.
     */
    float dotQ8Row(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales);

    /**
     * As {@link #dotQ8Row}, for a row of Q4_0 blocks ({@link GgmlType#Q4_0}: a half-precision scale, 16 packed bytes;
     * element j is the low nibble of byte j minus 8, element j + 16 the high nibble minus 8); {@code aSums} holds each
     * activation block's sum of quants, which lets a kernel multiply the unsigned nibbles and subtract
     * {@code 8 * sum} once per block instead of offsetting every nibble.
     */
    float dotQ4Row(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums);

    /**
     * {@link #dotQ4Row}, bit for bit, with the activation blocks' quant sums as floats ({@code aSums}: exact, each at
     * most 32 * 127 in magnitude): the form the matrices call. The 512-bit Vector-API backend does fewer operations
     * per block here (the scale read as one little-endian short, the nibbles taken from zero-extended bytes, no
     * int-to-float conversion of the sums), which lets C2 unroll its loop.
     */
    float dotQ4RowLean(byte[] row, int blocks, short[] aqWide, float[] aScales, float[] aSums);

    /** {@link #dotQ8Row}, bit for bit: the form the matrices call (the scale read as one little-endian short). */
    float dotQ8RowLean(byte[] row, int blocks, short[] aqWide, float[] aScales);

    /**
     * {@link #dotQ8Row} for four inputs at once ({@code out[t]} for t below 4): each weight block is read and widened
     * once for all four. Every input's result is bit for bit what {@link #dotQ8Row} gives it (prompt processing
     * relies on that).
     */
    void dotQ8Row4(byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, float[] out);

    /** As {@link #dotQ8Row4}, for Q4_0 rows ({@link #dotQ4Row}). */
    void dotQ4Row4(
            byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, int[][] aSums, float[] out);

    /**
     * Rows per weight panel of {@link #gemmPanel}: two vectors' worth of lanes on the Vector API (32 at 512 bits),
     * so that a tile of 4 inputs by 2 vectors stays in registers.
     */
    int panelWidth();

    /**
     * A block of a matrix product: for inputs {@code t} in {@code t0..t1} and panel rows {@code j} below
     * {@code rows}, {@code outs[t][r0 + j] = sum over k of panel[k * panelWidth() + j] * xs[t][k]}, summed in k
     * order with fused multiply-adds. The panel holds {@link #panelWidth()} weight rows transposed (k-major, rows
     * past {@code rows} zero), so each weight value is loaded once for four inputs and no horizontal sums are needed.
     */
    void gemmPanel(float[] panel, int cols, float[][] xs, int t0, int t1, float[][] outs, int r0, int rows);

    /**
     * Widens a Q8_0 weight panel for {@link #gemmPanel}: {@code out[k * panelWidth() + j] = quants[k * panelWidth() +
     * j] * scales[(k / 32) * panelWidth() + j]} for {@code k < cols} (a multiple of 32), which is exactly the float
     * that dequantizing the row gives (a signed byte times a half-precision scale fits a float's mantissa).
     */
    void widenQ8Panel(byte[] quants, float[] scales, int cols, float[] out);

    /**
     * Whether {@link #dotPanel} gives, for every input and row, bit for bit what this backend's {@link #dotQ8Row}
     * and {@link #dotQ4Row} give (prompt processing then takes the tiled path).
     */
    boolean tiledPrefill();

    /**
     * The tiled prompt kernel: Q8_0 or Q4_0 weight rows unpacked once into a panel, applied to many inputs. Row
     * {@code j < rows} of the panel holds its {@code blocks * 32} integer quants as floats from {@code panel[j *
     * blocks * 32]} (Q8_0: the signed bytes; Q4_0 when {@code q4}: the unsigned nibbles 0..15 in element order, the
     * -8 left out) and its blocks' scales (the half-precision scale as a float) from {@code scales[j * blocks]}. For
     * inputs {@code t} in {@code t0..t1}, {@code outs[t][r0 + j]} gets the row's product with input {@code t} (Q8_0
     * activations: the integer quants as floats, scales and, for Q4_0, the quant sums per block), computed bit for
     * bit as {@link #dotQ8Row} or {@link #dotQ4Row} computes it from the packed row, where {@link #tiledPrefill} is
     * true. Integers are held as floats because a block's products and their partial sums stay below 2^24, so
     * float multiply-adds give them exactly, in fewer instructions than widening shorts to ints and converting.
     */
    void dotPanel(
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
            int r0);

    /** A short name for logs and health output, e.g. {@code panama-256} or {@code scalar}. */
    String name();

    /**
     * {@link #gemmPanel} for eight inputs at once, held transposed: input {@code i < 8}'s element {@code k} is
     * {@code xt[xo + k * 8 + i]}, and its outputs go to {@code outs[t0 + i][r0 + j]} for panel rows {@code j <
     * rows}. Every output is bit for bit what {@link #gemmPanel} gives it (one fused multiply-add per column, in
     * column order); the panel is read once for the eight, which halves the passes over it of the four-input tiles
     * (a short sentence's product waits for the first pass to come from memory).
     */
    void gemmPanel8(float[] panel, int cols, float[] xt, int xo, float[][] outs, int t0, int r0, int rows);

    /**
     * {@link #gemmPanel8} straight from a Q8_0 panel ({@link #widenQ8Panel}'s input), widening as it goes: the
     * widened floats are also written to {@code wide} (exactly what {@link #widenQ8Panel} writes), for the passes of
     * the remaining inputs. Outputs are bit for bit those of widening first and then calling {@link #gemmPanel8}.
     */
    void gemmQ8Panel8(
            byte[] quants,
            float[] scales,
            int cols,
            float[] wide,
            float[] xt,
            int xo,
            float[][] outs,
            int t0,
            int r0,
            int rows);

    /**
     * The encoder's residual add and LayerNorm over one token, in place: first {@code y[i] += bias[i] + residual[ro
     * + i]}, then {@code y[i] = (y[i] - mean) * s * w[i] + b[i]} for {@code i < w.length}, with {@code s = 1 /
     * sqrt(variance + eps)} (ggml_norm, then scale and shift). The mean and variance may be summed in lanes, so
     * backends agree to float rounding, not bit for bit.
     */
    void addLayerNorm(float[] y, float[] bias, float[] residual, int ro, float[] w, float[] b, float eps);

    /**
     * One row of Q4_K super-blocks ({@link GgmlType#Q4_K}, {@link KQuantBlock}) dotted with activations quantized to
     * Q8_K ({@code aq}, the same values widened to shorts in {@code aqWide}, one scale per 256 in {@code aScales},
     * the sum of each 16 quants in {@code aSums16}). Per super-block {@code k}, in order: the exact integers
     * {@code sumi} (each sub-block's nibble dot times its 6-bit scale) and {@code mins} (each sub-block's 6-bit
     * minimum times its activation sum), then {@code sum += d * sumi - dmin * mins} with {@code d} and {@code dmin}
     * the halves times {@code aScales[k]}. Only integers are summed in lanes, so every backend gives the same bits.
     */
    float dotQ4KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums16);

    /**
     * As {@link #dotQ4KRow}, for a row of Q6_K super-blocks ({@link GgmlType#Q6_K}): per super-block the exact
     * integer {@code sumi} (each 16-element sub-block's dot of the 6-bit quants minus 32 with the activations, times
     * its signed 8-bit scale), then {@code sum += d * aScales[k] * sumi}, in super-block order.
     */
    float dotQ6KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales);

    /**
     * As {@link #dotQ4KRow}, for a row of Q5_K super-blocks ({@link GgmlType#Q5_K}: after the scales, {@code qh[32]}
     * holding each element's fifth bit, then the nibbles as in Q4_K): element {@code 64j + l} is the low nibble of
     * {@code qs[32j + l]} plus 16 times bit {@code 2j} of {@code qh[l]}, element {@code 64j + 32 + l} the high nibble
     * plus 16 times bit {@code 2j + 1}.
     */
    float dotQ5KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums16);
}
