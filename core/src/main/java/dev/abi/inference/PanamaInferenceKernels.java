package dev.abi.inference;

import static dev.abi.inference.QuantBlock.BLOCK;
import static dev.abi.inference.QuantBlock.Q4_0_BYTES;
import static dev.abi.inference.QuantBlock.Q8_0_BYTES;
import static dev.abi.inference.QuantBlock.SCALE_BYTES;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inference kernels on {@code jdk.incubator.vector}. Only {@link InferenceKernelsProvider} instantiates this class,
 * and only after it has checked that the module is present: loading it without the module throws
 * {@code NoClassDefFoundError}.
 */
final class PanamaInferenceKernels implements InferenceKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public float dotOrdered(float[] a, int aOffset, float[] b, int bOffset, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, aOffset + i + step)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + step), acc1);
        }
        for (; i < bound; i += step) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
        }
        float sum = sum(acc0.add(acc1));
        for (; i < len; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public void axpy(float a, float[] x, int xo, float[] y, int yo, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector av = FloatVector.broadcast(SPECIES, a);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector.fromArray(SPECIES, x, xo + i)
                    .fma(av, FloatVector.fromArray(SPECIES, y, yo + i))
                    .intoArray(y, yo + i);
        }
        for (; i < len; i++) {
            y[yo + i] = Math.fma(a, x[xo + i], y[yo + i]);
        }
    }

    @Override
    public void halfToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int len) {
        // The Vector API of JDK 21 to 25 has no half-float conversion. Float.float16ToFloat is a C2 intrinsic, and
        // C2's auto-vectoriser has a node for this loop (VectorCastHF2F, vcvtph2ps on F16C hardware); whether it
        // vectorises it here was not checked in the machine code. Attention is a few % of a token's time.
        for (int i = 0; i < len; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src[srcOffset + i]);
        }
    }

    @Override
    public int panelWidth() {
        return 2 * SPECIES.length();
    }

    @Override
    public void gemmPanel(float[] panel, int cols, float[][] xs, int t0, int t1, float[][] outs, int r0, int rows) {
        int l = SPECIES.length();
        int w = 2 * l;
        float[] tmp = rows < w ? new float[w] : null;
        int t = t0;
        for (; t + 3 < t1; t += 4) {
            float[] x0 = xs[t];
            float[] x1 = xs[t + 1];
            float[] x2 = xs[t + 2];
            float[] x3 = xs[t + 3];
            FloatVector a00 = FloatVector.zero(SPECIES);
            FloatVector a01 = FloatVector.zero(SPECIES);
            FloatVector a10 = FloatVector.zero(SPECIES);
            FloatVector a11 = FloatVector.zero(SPECIES);
            FloatVector a20 = FloatVector.zero(SPECIES);
            FloatVector a21 = FloatVector.zero(SPECIES);
            FloatVector a30 = FloatVector.zero(SPECIES);
            FloatVector a31 = FloatVector.zero(SPECIES);
            for (int k = 0, p = 0; k < cols; k++, p += w) {
                FloatVector w0 = FloatVector.fromArray(SPECIES, panel, p);
                FloatVector w1 = FloatVector.fromArray(SPECIES, panel, p + l);
                FloatVector b = FloatVector.broadcast(SPECIES, x0[k]);
                a00 = w0.fma(b, a00);
                a01 = w1.fma(b, a01);
                b = FloatVector.broadcast(SPECIES, x1[k]);
                a10 = w0.fma(b, a10);
                a11 = w1.fma(b, a11);
                b = FloatVector.broadcast(SPECIES, x2[k]);
                a20 = w0.fma(b, a20);
                a21 = w1.fma(b, a21);
                b = FloatVector.broadcast(SPECIES, x3[k]);
                a30 = w0.fma(b, a30);
                a31 = w1.fma(b, a31);
            }
            store(a00, a01, outs[t], r0, rows, tmp);
            store(a10, a11, outs[t + 1], r0, rows, tmp);
            store(a20, a21, outs[t + 2], r0, rows, tmp);
            store(a30, a31, outs[t + 3], r0, rows, tmp);
        }
        for (; t < t1; t++) {
            float[] x0 = xs[t];
            FloatVector a00 = FloatVector.zero(SPECIES);
            FloatVector a01 = FloatVector.zero(SPECIES);
            for (int k = 0, p = 0; k < cols; k++, p += w) {
                FloatVector b = FloatVector.broadcast(SPECIES, x0[k]);
                a00 = FloatVector.fromArray(SPECIES, panel, p).fma(b, a00);
                a01 = FloatVector.fromArray(SPECIES, panel, p + l).fma(b, a01);
            }
            store(a00, a01, outs[t], r0, rows, tmp);
        }
    }

    /** Bytes of one half of a panel row (as many lanes as {@link #SPECIES}), or null below 8 lanes. */
    private static final VectorSpecies<Byte> PANEL_BYTES = SPECIES.length() >= 8
            ? VectorSpecies.of(byte.class, jdk.incubator.vector.VectorShape.forBitSize(SPECIES.length() * 8))
            : null;

    @Override
    public void widenQ8Panel(byte[] quants, float[] scales, int cols, float[] out) {
        int l = SPECIES.length();
        int w = 2 * l;
        if (PANEL_BYTES == null) {
            for (int k = 0, at = 0; k < cols; k++) {
                int so = (k >> 5) * w;
                for (int j = 0; j < w; j++, at++) {
                    out[at] = quants[at] * scales[so + j];
                }
            }
            return;
        }
        for (int kb = 0, at = 0; kb < cols >> 5; kb++) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, scales, kb * w);
            FloatVector s1 = FloatVector.fromArray(SPECIES, scales, kb * w + l);
            for (int kk = 0; kk < 32; kk++, at += w) {
                ((FloatVector) ByteVector.fromArray(PANEL_BYTES, quants, at)
                                .convertShape(VectorOperators.B2F, SPECIES, 0))
                        .mul(s0)
                        .intoArray(out, at);
                ((FloatVector) ByteVector.fromArray(PANEL_BYTES, quants, at + l)
                                .convertShape(VectorOperators.B2F, SPECIES, 0))
                        .mul(s1)
                        .intoArray(out, at + l);
            }
        }
    }

    /** The two accumulators' lanes to {@code out[r0..r0+rows)}. */
    private static void store(FloatVector lo, FloatVector hi, float[] out, int r0, int rows, float[] tmp) {
        int l = SPECIES.length();
        if (tmp == null) {
            lo.intoArray(out, r0);
            hi.intoArray(out, r0 + l);
            return;
        }
        lo.intoArray(tmp, 0);
        hi.intoArray(tmp, l);
        System.arraycopy(tmp, 0, out, r0, rows);
    }

    /**
     * The lanes' sum in one fixed order (pairwise). {@code reduceLanes(ADD)} on floats may associate differently when
     * C2 intrinsifies it than in the interpreter's fallback, so the same inputs would give different bits before and
     * after warm-up; inference needs the same bits every time (greedy decoding, prefill against token by token).
     */
    static float sum(FloatVector v) {
        // halves added lanewise (exact per lane, the same in the interpreter and in C2), then four lanes in order.
        // Each step is its own method of under 35 bytes of bytecode, which C2 inlines even where a call site is
        // cold (a row of a few blocks): a vector handed to a call that is not inlined is boxed on the heap, and a
        // vector of unknown shape takes reinterpretShape's allocating fallback
        return v.length() == 16 ? sum16(v) : sumUpTo8(v);
    }

    private static float sumUpTo8(FloatVector v) {
        return v.length() == 8 ? sum8(v) : sumUpTo4(v);
    }

    private static float sumUpTo4(FloatVector v) {
        return v.length() == 4 ? sum4(v) : sumLanes(v);
    }

    private static float sum16(FloatVector v) {
        return sum8(((FloatVector) v.reinterpretShape(FloatVector.SPECIES_256, 0))
                .add((FloatVector) v.reinterpretShape(FloatVector.SPECIES_256, 1)));
    }

    private static float sum8(FloatVector v) {
        // the two 128-bit halves added lanewise, then as sum4, written with lane reads (the same additions in the
        // same order): where C2 could not tell the vector's class (the 256-bit row kernels), reinterpretShape and the
        // lanewise add took their allocating fallbacks, 10-14 MB a token on a 4-layer Llama-3.2-1B shape
        return ((v.lane(0) + v.lane(4)) + (v.lane(2) + v.lane(6)))
                + ((v.lane(1) + v.lane(5)) + (v.lane(3) + v.lane(7)));
    }

    private static float sum4(FloatVector v) {
        return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
    }

    private static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize();
    }

    private static final VectorSpecies<Byte> BYTES_128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> SHORTS_256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> INTS_256 = IntVector.SPECIES_256;

    @Override
    public int dotBytes(byte[] a, int aOffset, byte[] b, int bOffset, int len) {
        // 16 bytes at a time, widened to shorts (products fit: |p| <= 16384), then to ints before summing
        IntVector acc = IntVector.zero(INTS_256);
        int i = 0;
        int bound = len - len % 16;
        for (; i < bound; i += 16) {
            ShortVector x = (ShortVector)
                    ByteVector.fromArray(BYTES_128, a, aOffset + i).convertShape(VectorOperators.B2S, SHORTS_256, 0);
            ShortVector y = (ShortVector)
                    ByteVector.fromArray(BYTES_128, b, bOffset + i).convertShape(VectorOperators.B2S, SHORTS_256, 0);
            ShortVector p = x.mul(y);
            acc = acc.add(p.convertShape(VectorOperators.S2I, INTS_256, 0))
                    .add(p.convertShape(VectorOperators.S2I, INTS_256, 1));
        }
        int sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    private static final VectorSpecies<Float> FLOATS_256 = FloatVector.SPECIES_256;

    private static final boolean WIDE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Integer> INTS_512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> FLOATS_512 = FloatVector.SPECIES_512;

    /**
     * Q8_0 row with 512-bit accumulation (AVX-512): the products of a block's two halves are added in 16 short lanes
     * (activations are within +-127, so each sum of two products fits), widened once to 16 ints.
     */
    private static float dotQ8Row512(byte[] row, int blocks, short[] aqWide, float[] aScales) {
        FloatVector acc = FloatVector.zero(FLOATS_512);
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q8_0_BYTES;
            float d = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8))) * aScales[b];
            ShortVector p = ((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK))
                    .add(((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES + BLOCK / 2)
                                    .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                            .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2)));
            IntVector lanes = (IntVector) p.convertShape(VectorOperators.S2I, INTS_512, 0);
            acc = ((FloatVector) lanes.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(FLOATS_512, d), acc);
        }
        // sum(acc) written out for 16 lanes, as in dotQ4Row512 (the same additions in the same order): inlined
        // through sum, C2 sometimes keeps reinterpretShape's allocating fallback once other shapes have passed there
        FloatVector h = ((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 0))
                .add((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 1));
        FloatVector q = ((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 0))
                .add((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 1));
        return (q.lane(0) + q.lane(2)) + (q.lane(1) + q.lane(3));
    }

    @Override
    public float dotQ8Row(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales) {
        if (WIDE) {
            return dotQ8Row512(row, blocks, aqWide, aScales);
        }
        // per block: exact int lanes, then one fused multiply-add per lane with the block's scale (as ggml's SIMD
        // kernels sum), and a single horizontal sum at the end of the row
        FloatVector acc = FloatVector.zero(FLOATS_256);
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q8_0_BYTES;
            float d = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8))) * aScales[b];
            ShortVector p0 = ((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK));
            ShortVector p1 = ((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES + BLOCK / 2)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2));
            // eight int lanes of the block's 32 products (lane k holds four of them), written out here: as a helper
            // (blockLanes) C2 left the call out once this kernel was inlined four times into a caller
            // (NodeCountInliningCutoff, -XX:+PrintInlining), and p0, p1 and the lanes were boxed, ~1 MB a token on
            // stories260K Q4_0 at 256 bits (the same for this Q8_0 kernel)
            IntVector lanes = ((IntVector) p0.convertShape(VectorOperators.S2I, INTS_256, 0))
                    .add((IntVector) p0.convertShape(VectorOperators.S2I, INTS_256, 1))
                    .add((IntVector) p1.convertShape(VectorOperators.S2I, INTS_256, 0))
                    .add((IntVector) p1.convertShape(VectorOperators.S2I, INTS_256, 1));
            FloatVector q = (FloatVector) lanes.convert(VectorOperators.I2F, 0);
            acc = q.fma(FloatVector.broadcast(FLOATS_256, d), acc);
        }
        // sum(acc) written out for 8 lanes, as sum8 adds them (see dotQ4Row)
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }

    /**
     * Q4_0 row with 512-bit accumulation (AVX-512): the low and high nibble products of a block are added in 16
     * short lanes (each sum of two products fits: |p| <= 8 * 128), widened once to 16 ints.
     */
    private static float dotQ4Row512(byte[] row, int blocks, short[] aqWide, float[] aScales, int[] aSums) {
        FloatVector acc = FloatVector.zero(FLOATS_512);
        float offset = 0;
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q4_0_BYTES;
            float d = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8))) * aScales[b];
            // unsigned nibbles (0..15); the -8 of every element is one -8 * sum(activations) per block, below
            // q4Block's operations written out here: on short rows (a few blocks) the loop is not hot enough for
            // C2 to inline a call, and a vector passed to a call that is not inlined is allocated on the heap
            ShortVector w = (ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
            ShortVector p = w.and((short) 0x0F)
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK))
                    .add(w.lanewise(VectorOperators.LSHR, 4)
                            .and((short) 0x0F)
                            .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2)));
            IntVector lanes = (IntVector) p.convertShape(VectorOperators.S2I, INTS_512, 0);
            acc = ((FloatVector) lanes.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(FLOATS_512, d), acc);
            offset += d * aSums[b];
        }
        // sum(acc) written out for 16 lanes (the same operations in the same order): a call to it that C2 does not
        // inline would box acc and run reinterpretShape's allocating fallback on a vector of unknown shape
        FloatVector h = ((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 0))
                .add((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 1));
        FloatVector q = ((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 0))
                .add((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 1));
        return (q.lane(0) + q.lane(2)) + (q.lane(1) + q.lane(3)) - 8 * offset;
    }

    /** Little-endian shorts out of a byte array: a block's half-precision scale in one load. */
    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    @Override
    public float dotQ8RowLean(byte[] row, int blocks, short[] aqWide, float[] aScales) {
        // the 256-bit kernel does not read aq
        return WIDE ? dotQ8RowLean512(row, blocks, aqWide, aScales) : dotQ8Row(row, blocks, null, aqWide, aScales);
    }

    @Override
    public float dotQ4RowLean(byte[] row, int blocks, short[] aqWide, float[] aScales, float[] aSums) {
        // the 256-bit kernel offsets every nibble and reads neither aq nor the sums
        return WIDE
                ? dotQ4RowLean512(row, blocks, aqWide, aScales, aSums)
                : dotQ4Row(row, blocks, null, aqWide, aScales, null);
    }

    /**
     * {@link #dotQ4Row512}'s lanes and order with fewer operations per block: the scale read as one little-endian
     * short (where assembling it from two bytes took four more instructions), the bytes zero-extended (so the high
     * nibble is one shift, with no mask), the activation sums taken as floats (no conversion). The shorter body is
     * under C2's unrolling limit: it unrolls the loop four times, about 20 instructions a block against 37.
     */
    private static float dotQ4RowLean512(byte[] row, int blocks, short[] aqWide, float[] aScales, float[] aSums) {
        FloatVector acc = FloatVector.zero(FLOATS_512);
        float offset = 0;
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q4_0_BYTES;
            float d = Float.float16ToFloat((short) SHORT_LE.get(row, wo)) * aScales[b];
            ShortVector w = (ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS_256, 0);
            ShortVector p = w.and((short) 0x0F)
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK))
                    .add(w.lanewise(VectorOperators.LSHR, 4)
                            .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2)));
            IntVector lanes = (IntVector) p.convertShape(VectorOperators.S2I, INTS_512, 0);
            acc = ((FloatVector) lanes.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(FLOATS_512, d), acc);
            offset += d * aSums[b];
        }
        FloatVector h = ((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 0))
                .add((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 1));
        FloatVector q = ((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 0))
                .add((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 1));
        return (q.lane(0) + q.lane(2)) + (q.lane(1) + q.lane(3)) - 8 * offset;
    }

    /**
     * {@link #dotQ8Row512} with the scale read as one little-endian short: the same operations otherwise, and C2
     * unrolls the shorter loop four times (about 17 instructions a block against 29).
     */
    private static float dotQ8RowLean512(byte[] row, int blocks, short[] aqWide, float[] aScales) {
        FloatVector acc = FloatVector.zero(FLOATS_512);
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q8_0_BYTES;
            float d = Float.float16ToFloat((short) SHORT_LE.get(row, wo)) * aScales[b];
            ShortVector p = ((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK))
                    .add(((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES + BLOCK / 2)
                                    .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                            .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2)));
            IntVector lanes = (IntVector) p.convertShape(VectorOperators.S2I, INTS_512, 0);
            acc = ((FloatVector) lanes.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(FLOATS_512, d), acc);
        }
        FloatVector h = ((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 0))
                .add((FloatVector) acc.reinterpretShape(FloatVector.SPECIES_256, 1));
        FloatVector q = ((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 0))
                .add((FloatVector) h.reinterpretShape(FloatVector.SPECIES_128, 1));
        return (q.lane(0) + q.lane(2)) + (q.lane(1) + q.lane(3));
    }

    /**
     * One Q4_0 block at 512 bits: its 16 packed bytes widened to shorts once, the nibbles taken there (x86 has no
     * byte shift, and a byte-lane shift costs five instructions where a short-lane one costs one), the low and high
     * nibble products added in 16 short lanes (each sum of two products fits: |p| <= 15 * 127 * 2), widened once
     * to 16 ints and accumulated with the block's scale {@code d}.
     */
    static FloatVector q4Block(ByteVector q, short[] aqWide, int b, float d, FloatVector acc) {
        return q4Block(
                q,
                ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK),
                ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2),
                d,
                acc);
    }

    /** {@link #q4Block(ByteVector, short[], int, float, FloatVector)} with the block's activation halves loaded. */
    static FloatVector q4Block(ByteVector q, ShortVector a0, ShortVector a1, float d, FloatVector acc) {
        ShortVector w = (ShortVector) q.convertShape(VectorOperators.B2S, SHORTS_256, 0);
        ShortVector p = w.and((short) 0x0F)
                .mul(a0)
                .add(w.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F).mul(a1));
        IntVector lanes = (IntVector) p.convertShape(VectorOperators.S2I, INTS_512, 0);
        return ((FloatVector) lanes.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(FLOATS_512, d), acc);
    }

    @Override
    public void dotQ8Row4(byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, float[] out) {
        if (!WIDE) {
            for (int t = 0; t < 4; t++) {
                out[t] = dotQ8Row(row, blocks, aq[t], aqWide[t], aScales[t]);
            }
            return;
        }
        FloatVector acc0 = FloatVector.zero(FLOATS_512);
        FloatVector acc1 = FloatVector.zero(FLOATS_512);
        FloatVector acc2 = FloatVector.zero(FLOATS_512);
        FloatVector acc3 = FloatVector.zero(FLOATS_512);
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q8_0_BYTES;
            float wd = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8)));
            ShortVector w0 = (ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES + BLOCK / 2)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
            acc0 = blockFma(w0, w1, aqWide[0], b, wd * aScales[0][b], acc0);
            acc1 = blockFma(w0, w1, aqWide[1], b, wd * aScales[1][b], acc1);
            acc2 = blockFma(w0, w1, aqWide[2], b, wd * aScales[2][b], acc2);
            acc3 = blockFma(w0, w1, aqWide[3], b, wd * aScales[3][b], acc3);
        }
        // sum(acc) written out for 16 lanes with lane reads, the additions of sum16 then sum8 in their order (lane k
        // plus lane k + 8 first): through the sum helpers C2 kept reinterpretShape's allocating fallback and boxed the
        // four accumulators at the calls, ~1.7 MB a prompt token on stories260K (JFR, jdk.ObjectAllocationSample)
        out[0] = (((acc0.lane(0) + acc0.lane(8)) + (acc0.lane(4) + acc0.lane(12)))
                        + ((acc0.lane(2) + acc0.lane(10)) + (acc0.lane(6) + acc0.lane(14))))
                + (((acc0.lane(1) + acc0.lane(9)) + (acc0.lane(5) + acc0.lane(13)))
                        + ((acc0.lane(3) + acc0.lane(11)) + (acc0.lane(7) + acc0.lane(15))));
        out[1] = (((acc1.lane(0) + acc1.lane(8)) + (acc1.lane(4) + acc1.lane(12)))
                        + ((acc1.lane(2) + acc1.lane(10)) + (acc1.lane(6) + acc1.lane(14))))
                + (((acc1.lane(1) + acc1.lane(9)) + (acc1.lane(5) + acc1.lane(13)))
                        + ((acc1.lane(3) + acc1.lane(11)) + (acc1.lane(7) + acc1.lane(15))));
        out[2] = (((acc2.lane(0) + acc2.lane(8)) + (acc2.lane(4) + acc2.lane(12)))
                        + ((acc2.lane(2) + acc2.lane(10)) + (acc2.lane(6) + acc2.lane(14))))
                + (((acc2.lane(1) + acc2.lane(9)) + (acc2.lane(5) + acc2.lane(13)))
                        + ((acc2.lane(3) + acc2.lane(11)) + (acc2.lane(7) + acc2.lane(15))));
        out[3] = (((acc3.lane(0) + acc3.lane(8)) + (acc3.lane(4) + acc3.lane(12)))
                        + ((acc3.lane(2) + acc3.lane(10)) + (acc3.lane(6) + acc3.lane(14))))
                + (((acc3.lane(1) + acc3.lane(9)) + (acc3.lane(5) + acc3.lane(13)))
                        + ((acc3.lane(3) + acc3.lane(11)) + (acc3.lane(7) + acc3.lane(15))));
    }

    @Override
    public void dotQ4Row4(
            byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, int[][] aSums, float[] out) {
        if (!WIDE) {
            for (int t = 0; t < 4; t++) {
                out[t] = dotQ4Row(row, blocks, aq[t], aqWide[t], aScales[t], aSums[t]);
            }
            return;
        }
        FloatVector acc0 = FloatVector.zero(FLOATS_512);
        FloatVector acc1 = FloatVector.zero(FLOATS_512);
        FloatVector acc2 = FloatVector.zero(FLOATS_512);
        FloatVector acc3 = FloatVector.zero(FLOATS_512);
        float off0 = 0;
        float off1 = 0;
        float off2 = 0;
        float off3 = 0;
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q4_0_BYTES;
            float wd = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8)));
            ShortVector w = (ShortVector) ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
            ShortVector w0 = w.and((short) 0x0F);
            ShortVector w1 = w.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F);
            float d0 = wd * aScales[0][b];
            float d1 = wd * aScales[1][b];
            float d2 = wd * aScales[2][b];
            float d3 = wd * aScales[3][b];
            acc0 = blockFma(w0, w1, aqWide[0], b, d0, acc0);
            acc1 = blockFma(w0, w1, aqWide[1], b, d1, acc1);
            acc2 = blockFma(w0, w1, aqWide[2], b, d2, acc2);
            acc3 = blockFma(w0, w1, aqWide[3], b, d3, acc3);
            off0 += d0 * aSums[0][b];
            off1 += d1 * aSums[1][b];
            off2 += d2 * aSums[2][b];
            off3 += d3 * aSums[3][b];
        }
        // as in dotQ8Row4: the 16-lane sum written out, then the offset
        out[0] = (((acc0.lane(0) + acc0.lane(8)) + (acc0.lane(4) + acc0.lane(12)))
                        + ((acc0.lane(2) + acc0.lane(10)) + (acc0.lane(6) + acc0.lane(14))))
                + (((acc0.lane(1) + acc0.lane(9)) + (acc0.lane(5) + acc0.lane(13)))
                        + ((acc0.lane(3) + acc0.lane(11)) + (acc0.lane(7) + acc0.lane(15))))
                - 8 * off0;
        out[1] = (((acc1.lane(0) + acc1.lane(8)) + (acc1.lane(4) + acc1.lane(12)))
                        + ((acc1.lane(2) + acc1.lane(10)) + (acc1.lane(6) + acc1.lane(14))))
                + (((acc1.lane(1) + acc1.lane(9)) + (acc1.lane(5) + acc1.lane(13)))
                        + ((acc1.lane(3) + acc1.lane(11)) + (acc1.lane(7) + acc1.lane(15))))
                - 8 * off1;
        out[2] = (((acc2.lane(0) + acc2.lane(8)) + (acc2.lane(4) + acc2.lane(12)))
                        + ((acc2.lane(2) + acc2.lane(10)) + (acc2.lane(6) + acc2.lane(14))))
                + (((acc2.lane(1) + acc2.lane(9)) + (acc2.lane(5) + acc2.lane(13)))
                        + ((acc2.lane(3) + acc2.lane(11)) + (acc2.lane(7) + acc2.lane(15))))
                - 8 * off2;
        out[3] = (((acc3.lane(0) + acc3.lane(8)) + (acc3.lane(4) + acc3.lane(12)))
                        + ((acc3.lane(2) + acc3.lane(10)) + (acc3.lane(6) + acc3.lane(14))))
                + (((acc3.lane(1) + acc3.lane(9)) + (acc3.lane(5) + acc3.lane(13)))
                        + ((acc3.lane(3) + acc3.lane(11)) + (acc3.lane(7) + acc3.lane(15))))
                - 8 * off3;
    }

    @Override
    public boolean tiledPrefill() {
        return WIDE;
    }

    @Override
    public void dotPanel(
            float[] panel,
            float[] scales,
            int rows,
            int blocks,
            boolean q4,
            float[][] aq,
            float[][] aScales,
            int[][] aSums,
            int t0,
            int t1,
            float[][] outs,
            int r0) {
        if (!WIDE) {
            throw new IllegalStateException("the tiled prompt kernel is built for 512-bit vectors only");
        }
        int t = t0;
        for (; t + 3 < t1; t += 4) {
            int j = 0;
            for (; j + 1 < rows; j += 2) {
                panelTile(panel, scales, j, blocks, q4, aq, aScales, aSums, t, outs, r0);
            }
            for (; j < rows; j++) {
                for (int i = t; i < t + 4; i++) {
                    outs[i][r0 + j] = panelOne(panel, scales, j, blocks, q4, aq[i], aScales[i], aSums[i]);
                }
            }
        }
        for (; t < t1; t++) {
            for (int j = 0; j < rows; j++) {
                outs[t][r0 + j] = panelOne(panel, scales, j, blocks, q4, aq[t], aScales[t], aSums[t]);
            }
        }
    }

    /**
     * One panel row and one input, as {@link #dotQ8Row512} or {@link #dotQ4Row512}: lane k of a block is the exact
     * integer {@code w[k] a[k] + w[k + 16] a[k + 16]}, here a float product and a fused multiply-add of integers
     * below 2^24 (exact), then accumulated with the block's scale as there.
     */
    private static float panelOne(
            float[] panel, float[] scales, int j, int blocks, boolean q4, float[] a, float[] as, int[] sums) {
        int w = j * blocks * BLOCK;
        int sc = j * blocks;
        FloatVector acc = FloatVector.zero(FLOATS_512);
        float offset = 0;
        for (int b = 0; b < blocks; b++) {
            float d = scales[sc + b] * as[b];
            int o = b * BLOCK;
            FloatVector lanes = FloatVector.fromArray(FLOATS_512, panel, w + o + BLOCK / 2)
                    .fma(
                            FloatVector.fromArray(FLOATS_512, a, o + BLOCK / 2),
                            FloatVector.fromArray(FLOATS_512, panel, w + o)
                                    .mul(FloatVector.fromArray(FLOATS_512, a, o)));
            acc = lanes.fma(FloatVector.broadcast(FLOATS_512, d), acc);
            if (q4) {
                offset += d * sums[b];
            }
        }
        return q4 ? sum(acc) - 8 * offset : sum(acc);
    }

    /**
     * Two panel rows ({@code j}, {@code j + 1}) by four inputs ({@code t..t+3}), as {@link #panelOne} for each:
     * each block's weights loaded once for the four inputs and each input's activations once for the two rows,
     * eight accumulators in registers. Written out rather than through a helper, which C2 did not inline eight times
     * (the vectors were then boxed, and the kernel ran 7x slower).
     */
    private static void panelTile(
            float[] panel,
            float[] scales,
            int j,
            int blocks,
            boolean q4,
            float[][] aq,
            float[][] aScales,
            int[][] aSums,
            int t,
            float[][] outs,
            int r0) {
        int w0 = j * blocks * BLOCK;
        int w1 = w0 + blocks * BLOCK;
        int sc0 = j * blocks;
        int sc1 = sc0 + blocks;
        float[] a0 = aq[t];
        float[] a1 = aq[t + 1];
        float[] a2 = aq[t + 2];
        float[] a3 = aq[t + 3];
        float[] s0 = aScales[t];
        float[] s1 = aScales[t + 1];
        float[] s2 = aScales[t + 2];
        float[] s3 = aScales[t + 3];
        FloatVector c00 = FloatVector.zero(FLOATS_512);
        FloatVector c01 = FloatVector.zero(FLOATS_512);
        FloatVector c02 = FloatVector.zero(FLOATS_512);
        FloatVector c03 = FloatVector.zero(FLOATS_512);
        FloatVector c10 = FloatVector.zero(FLOATS_512);
        FloatVector c11 = FloatVector.zero(FLOATS_512);
        FloatVector c12 = FloatVector.zero(FLOATS_512);
        FloatVector c13 = FloatVector.zero(FLOATS_512);
        for (int b = 0; b < blocks; b++) {
            int o = b * BLOCK;
            FloatVector x0 = FloatVector.fromArray(FLOATS_512, panel, w0 + o);
            FloatVector y0 = FloatVector.fromArray(FLOATS_512, panel, w0 + o + BLOCK / 2);
            FloatVector x1 = FloatVector.fromArray(FLOATS_512, panel, w1 + o);
            FloatVector y1 = FloatVector.fromArray(FLOATS_512, panel, w1 + o + BLOCK / 2);
            float e0 = scales[sc0 + b];
            float e1 = scales[sc1 + b];
            FloatVector lo0 = FloatVector.fromArray(FLOATS_512, a0, o);
            FloatVector hi0 = FloatVector.fromArray(FLOATS_512, a0, o + BLOCK / 2);
            float as0 = s0[b];
            c00 = y0.fma(hi0, x0.mul(lo0)).fma(FloatVector.broadcast(FLOATS_512, e0 * as0), c00);
            c10 = y1.fma(hi0, x1.mul(lo0)).fma(FloatVector.broadcast(FLOATS_512, e1 * as0), c10);
            FloatVector lo1 = FloatVector.fromArray(FLOATS_512, a1, o);
            FloatVector hi1 = FloatVector.fromArray(FLOATS_512, a1, o + BLOCK / 2);
            float as1 = s1[b];
            c01 = y0.fma(hi1, x0.mul(lo1)).fma(FloatVector.broadcast(FLOATS_512, e0 * as1), c01);
            c11 = y1.fma(hi1, x1.mul(lo1)).fma(FloatVector.broadcast(FLOATS_512, e1 * as1), c11);
            FloatVector lo2 = FloatVector.fromArray(FLOATS_512, a2, o);
            FloatVector hi2 = FloatVector.fromArray(FLOATS_512, a2, o + BLOCK / 2);
            float as2 = s2[b];
            c02 = y0.fma(hi2, x0.mul(lo2)).fma(FloatVector.broadcast(FLOATS_512, e0 * as2), c02);
            c12 = y1.fma(hi2, x1.mul(lo2)).fma(FloatVector.broadcast(FLOATS_512, e1 * as2), c12);
            FloatVector lo3 = FloatVector.fromArray(FLOATS_512, a3, o);
            FloatVector hi3 = FloatVector.fromArray(FLOATS_512, a3, o + BLOCK / 2);
            float as3 = s3[b];
            c03 = y0.fma(hi3, x0.mul(lo3)).fma(FloatVector.broadcast(FLOATS_512, e0 * as3), c03);
            c13 = y1.fma(hi3, x1.mul(lo3)).fma(FloatVector.broadcast(FLOATS_512, e1 * as3), c13);
        }
        int r = r0 + j;
        if (!q4) {
            outs[t][r] = sum(c00);
            outs[t + 1][r] = sum(c01);
            outs[t + 2][r] = sum(c02);
            outs[t + 3][r] = sum(c03);
            outs[t][r + 1] = sum(c10);
            outs[t + 1][r + 1] = sum(c11);
            outs[t + 2][r + 1] = sum(c12);
            outs[t + 3][r + 1] = sum(c13);
            return;
        }
        // the Q4_0 offset: -8 * sum over blocks of d * (sum of the activation quants), in block order as the row
        // kernel sums it, kept out of the vector loop; the eight sums run side by side (one at a time, each add
        // waited for the one before: a quarter of the tile's time in a profile)
        int[] m0 = aSums[t];
        int[] m1 = aSums[t + 1];
        int[] m2 = aSums[t + 2];
        int[] m3 = aSums[t + 3];
        float o00 = 0;
        float o01 = 0;
        float o02 = 0;
        float o03 = 0;
        float o10 = 0;
        float o11 = 0;
        float o12 = 0;
        float o13 = 0;
        for (int b = 0; b < blocks; b++) {
            float e0 = scales[sc0 + b];
            float e1 = scales[sc1 + b];
            o00 += e0 * s0[b] * m0[b];
            o01 += e0 * s1[b] * m1[b];
            o02 += e0 * s2[b] * m2[b];
            o03 += e0 * s3[b] * m3[b];
            o10 += e1 * s0[b] * m0[b];
            o11 += e1 * s1[b] * m1[b];
            o12 += e1 * s2[b] * m2[b];
            o13 += e1 * s3[b] * m3[b];
        }
        outs[t][r] = sum(c00) - 8 * o00;
        outs[t + 1][r] = sum(c01) - 8 * o01;
        outs[t + 2][r] = sum(c02) - 8 * o02;
        outs[t + 3][r] = sum(c03) - 8 * o03;
        outs[t][r + 1] = sum(c10) - 8 * o10;
        outs[t + 1][r + 1] = sum(c11) - 8 * o11;
        outs[t + 2][r + 1] = sum(c12) - 8 * o12;
        outs[t + 3][r + 1] = sum(c13) - 8 * o13;
    }

    /** One block's 32 widened weights times one input's widened activations, accumulated as in the row kernels. */
    private static FloatVector blockFma(
            ShortVector w0, ShortVector w1, short[] aqWide, int b, float d, FloatVector acc) {
        ShortVector p = w0.mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK))
                .add(w1.mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2)));
        IntVector lanes = (IntVector) p.convertShape(VectorOperators.S2I, INTS_512, 0);
        return ((FloatVector) lanes.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(FLOATS_512, d), acc);
    }

    @Override
    public float dotQ4Row(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums) {
        if (WIDE) {
            return dotQ4Row512(row, blocks, aqWide, aScales, aSums);
        }
        FloatVector acc = FloatVector.zero(FLOATS_256);
        for (int b = 0; b < blocks; b++) {
            int wo = b * Q4_0_BYTES;
            float d = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8))) * aScales[b];
            ByteVector q = ByteVector.fromArray(BYTES_128, row, wo + SCALE_BYTES);
            ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
            ShortVector p0 = ((ShortVector) lo.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK));
            ShortVector p1 = ((ShortVector) hi.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * BLOCK + BLOCK / 2));
            // eight int lanes of the block's 32 products (lane k holds four of them), written out here: as a helper
            // (blockLanes) C2 left the call out once this kernel was inlined four times into a caller
            // (NodeCountInliningCutoff, -XX:+PrintInlining), and p0, p1 and the lanes were boxed, ~1 MB a token on
            // stories260K Q4_0 at 256 bits
            IntVector lanes = ((IntVector) p0.convertShape(VectorOperators.S2I, INTS_256, 0))
                    .add((IntVector) p0.convertShape(VectorOperators.S2I, INTS_256, 1))
                    .add((IntVector) p1.convertShape(VectorOperators.S2I, INTS_256, 0))
                    .add((IntVector) p1.convertShape(VectorOperators.S2I, INTS_256, 1));
            FloatVector f = (FloatVector) lanes.convert(VectorOperators.I2F, 0);
            acc = f.fma(FloatVector.broadcast(FLOATS_256, d), acc);
        }
        // sum(acc) written out for 8 lanes, as sum8 adds them: at 256 bits C2 did not inline the call here, and the
        // boxed acc cost 14 MB a token on a 4-layer Llama-3.2-1B shape (-XX:UseAVX=2)
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }

    /**
     * Whether a tile of eight inputs by two vectors (16 accumulators, two weight vectors and a broadcast) fits the
     * registers: 32 vector registers at 512 bits (AVX-512); AVX2's 16 would spill, so there two tiles of four run.
     */
    private static final boolean EIGHT_INPUT_TILES = SPECIES.vectorBitSize() >= 512;

    @Override
    public void gemmPanel8(float[] panel, int cols, float[] xt, int xo, float[][] outs, int t0, int r0, int rows) {
        if (!EIGHT_INPUT_TILES) {
            gemmPanel4T(panel, cols, xt, xo, 0, outs, t0, r0, rows);
            gemmPanel4T(panel, cols, xt, xo, 4, outs, t0, r0, rows);
            return;
        }
        int l = SPECIES.length();
        int w = 2 * l;
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        FloatVector a40 = FloatVector.zero(SPECIES);
        FloatVector a41 = FloatVector.zero(SPECIES);
        FloatVector a50 = FloatVector.zero(SPECIES);
        FloatVector a51 = FloatVector.zero(SPECIES);
        FloatVector a60 = FloatVector.zero(SPECIES);
        FloatVector a61 = FloatVector.zero(SPECIES);
        FloatVector a70 = FloatVector.zero(SPECIES);
        FloatVector a71 = FloatVector.zero(SPECIES);
        for (int k = 0, p = 0, x = xo; k < cols; k++, p += w, x += 8) {
            FloatVector w0 = FloatVector.fromArray(SPECIES, panel, p);
            FloatVector w1 = FloatVector.fromArray(SPECIES, panel, p + l);
            FloatVector b = FloatVector.broadcast(SPECIES, xt[x]);
            a00 = w0.fma(b, a00);
            a01 = w1.fma(b, a01);
            b = FloatVector.broadcast(SPECIES, xt[x + 1]);
            a10 = w0.fma(b, a10);
            a11 = w1.fma(b, a11);
            b = FloatVector.broadcast(SPECIES, xt[x + 2]);
            a20 = w0.fma(b, a20);
            a21 = w1.fma(b, a21);
            b = FloatVector.broadcast(SPECIES, xt[x + 3]);
            a30 = w0.fma(b, a30);
            a31 = w1.fma(b, a31);
            b = FloatVector.broadcast(SPECIES, xt[x + 4]);
            a40 = w0.fma(b, a40);
            a41 = w1.fma(b, a41);
            b = FloatVector.broadcast(SPECIES, xt[x + 5]);
            a50 = w0.fma(b, a50);
            a51 = w1.fma(b, a51);
            b = FloatVector.broadcast(SPECIES, xt[x + 6]);
            a60 = w0.fma(b, a60);
            a61 = w1.fma(b, a61);
            b = FloatVector.broadcast(SPECIES, xt[x + 7]);
            a70 = w0.fma(b, a70);
            a71 = w1.fma(b, a71);
        }
        float[] tmp = rows < w ? new float[w] : null;
        store(a00, a01, outs[t0], r0, rows, tmp);
        store(a10, a11, outs[t0 + 1], r0, rows, tmp);
        store(a20, a21, outs[t0 + 2], r0, rows, tmp);
        store(a30, a31, outs[t0 + 3], r0, rows, tmp);
        store(a40, a41, outs[t0 + 4], r0, rows, tmp);
        store(a50, a51, outs[t0 + 5], r0, rows, tmp);
        store(a60, a61, outs[t0 + 6], r0, rows, tmp);
        store(a70, a71, outs[t0 + 7], r0, rows, tmp);
    }

    /** Inputs {@code i0..i0+3} of a transposed group of eight, as {@link #gemmPanel}'s tile of four. */
    private static void gemmPanel4T(
            float[] panel, int cols, float[] xt, int xo, int i0, float[][] outs, int t0, int r0, int rows) {
        int l = SPECIES.length();
        int w = 2 * l;
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        for (int k = 0, p = 0, x = xo + i0; k < cols; k++, p += w, x += 8) {
            FloatVector w0 = FloatVector.fromArray(SPECIES, panel, p);
            FloatVector w1 = FloatVector.fromArray(SPECIES, panel, p + l);
            FloatVector b = FloatVector.broadcast(SPECIES, xt[x]);
            a00 = w0.fma(b, a00);
            a01 = w1.fma(b, a01);
            b = FloatVector.broadcast(SPECIES, xt[x + 1]);
            a10 = w0.fma(b, a10);
            a11 = w1.fma(b, a11);
            b = FloatVector.broadcast(SPECIES, xt[x + 2]);
            a20 = w0.fma(b, a20);
            a21 = w1.fma(b, a21);
            b = FloatVector.broadcast(SPECIES, xt[x + 3]);
            a30 = w0.fma(b, a30);
            a31 = w1.fma(b, a31);
        }
        float[] tmp = rows < w ? new float[w] : null;
        store(a00, a01, outs[t0 + i0], r0, rows, tmp);
        store(a10, a11, outs[t0 + i0 + 1], r0, rows, tmp);
        store(a20, a21, outs[t0 + i0 + 2], r0, rows, tmp);
        store(a30, a31, outs[t0 + i0 + 3], r0, rows, tmp);
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
        if (!EIGHT_INPUT_TILES || PANEL_BYTES == null) {
            widenQ8Panel(quants, scales, cols, wide);
            gemmPanel8(wide, cols, xt, xo, outs, t0, r0, rows);
            return;
        }
        int l = SPECIES.length();
        int w = 2 * l;
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        FloatVector a40 = FloatVector.zero(SPECIES);
        FloatVector a41 = FloatVector.zero(SPECIES);
        FloatVector a50 = FloatVector.zero(SPECIES);
        FloatVector a51 = FloatVector.zero(SPECIES);
        FloatVector a60 = FloatVector.zero(SPECIES);
        FloatVector a61 = FloatVector.zero(SPECIES);
        FloatVector a70 = FloatVector.zero(SPECIES);
        FloatVector a71 = FloatVector.zero(SPECIES);
        for (int kb = 0, p = 0, x = xo; kb < cols >> 5; kb++) {
            FloatVector s0 = FloatVector.fromArray(SPECIES, scales, kb * w);
            FloatVector s1 = FloatVector.fromArray(SPECIES, scales, kb * w + l);
            for (int kk = 0; kk < 32; kk++, p += w, x += 8) {
                FloatVector w0 = ((FloatVector) ByteVector.fromArray(PANEL_BYTES, quants, p)
                                .convertShape(VectorOperators.B2F, SPECIES, 0))
                        .mul(s0);
                FloatVector w1 = ((FloatVector) ByteVector.fromArray(PANEL_BYTES, quants, p + l)
                                .convertShape(VectorOperators.B2F, SPECIES, 0))
                        .mul(s1);
                w0.intoArray(wide, p);
                w1.intoArray(wide, p + l);
                FloatVector b = FloatVector.broadcast(SPECIES, xt[x]);
                a00 = w0.fma(b, a00);
                a01 = w1.fma(b, a01);
                b = FloatVector.broadcast(SPECIES, xt[x + 1]);
                a10 = w0.fma(b, a10);
                a11 = w1.fma(b, a11);
                b = FloatVector.broadcast(SPECIES, xt[x + 2]);
                a20 = w0.fma(b, a20);
                a21 = w1.fma(b, a21);
                b = FloatVector.broadcast(SPECIES, xt[x + 3]);
                a30 = w0.fma(b, a30);
                a31 = w1.fma(b, a31);
                b = FloatVector.broadcast(SPECIES, xt[x + 4]);
                a40 = w0.fma(b, a40);
                a41 = w1.fma(b, a41);
                b = FloatVector.broadcast(SPECIES, xt[x + 5]);
                a50 = w0.fma(b, a50);
                a51 = w1.fma(b, a51);
                b = FloatVector.broadcast(SPECIES, xt[x + 6]);
                a60 = w0.fma(b, a60);
                a61 = w1.fma(b, a61);
                b = FloatVector.broadcast(SPECIES, xt[x + 7]);
                a70 = w0.fma(b, a70);
                a71 = w1.fma(b, a71);
            }
        }
        float[] tmp = rows < w ? new float[w] : null;
        store(a00, a01, outs[t0], r0, rows, tmp);
        store(a10, a11, outs[t0 + 1], r0, rows, tmp);
        store(a20, a21, outs[t0 + 2], r0, rows, tmp);
        store(a30, a31, outs[t0 + 3], r0, rows, tmp);
        store(a40, a41, outs[t0 + 4], r0, rows, tmp);
        store(a50, a51, outs[t0 + 5], r0, rows, tmp);
        store(a60, a61, outs[t0 + 6], r0, rows, tmp);
        store(a70, a71, outs[t0 + 7], r0, rows, tmp);
    }

    @Override
    public void addLayerNorm(float[] y, float[] bias, float[] residual, int ro, float[] w, float[] b, float eps) {
        int n = w.length;
        int l = SPECIES.length();
        int bound = SPECIES.loopBound(n);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += l) {
            FloatVector v = FloatVector.fromArray(SPECIES, y, i)
                    .add(FloatVector.fromArray(SPECIES, bias, i).add(FloatVector.fromArray(SPECIES, residual, ro + i)));
            v.intoArray(y, i);
            acc = acc.add(v);
        }
        double sum = sum(acc);
        for (; i < n; i++) {
            y[i] += bias[i] + residual[ro + i];
            sum += y[i];
        }
        float mean = (float) (sum / n);
        FloatVector m = FloatVector.broadcast(SPECIES, mean);
        acc = FloatVector.zero(SPECIES);
        for (i = 0; i < bound; i += l) {
            FloatVector d = FloatVector.fromArray(SPECIES, y, i).sub(m);
            acc = d.fma(d, acc);
        }
        double var = sum(acc);
        for (; i < n; i++) {
            float d = y[i] - mean;
            var += (double) d * d;
        }
        float scale = (float) (1.0 / Math.sqrt((float) (var / n) + eps));
        FloatVector s = FloatVector.broadcast(SPECIES, scale);
        for (i = 0; i < bound; i += l) {
            FloatVector.fromArray(SPECIES, y, i)
                    .sub(m)
                    .mul(s)
                    .mul(FloatVector.fromArray(SPECIES, w, i))
                    .add(FloatVector.fromArray(SPECIES, b, i))
                    .intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] = (y[i] - mean) * scale * w[i] + b[i];
        }
    }

    @Override
    public float dotQ4KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums16) {
        return WIDE
                ? dotQ4KRow512(row, blocks, aqWide, aScales, aSums16)
                : dotQ4KRow256(row, blocks, aqWide, aScales, aSums16);
    }

    @Override
    public float dotQ6KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales) {
        return WIDE ? dotQ6KRow512(row, blocks, aqWide, aScales) : dotQ6KRow256(row, blocks, aqWide, aScales);
    }

    /**
     * Q4_K row at 512 bits. Per pair of sub-blocks (32 packed bytes): two 16-byte loads widened to shorts, the nibbles
     * masked and shifted there; each sub-block's 32 products are added in 16 short lanes (|p| <= 2 * 15 * 128),
     * widened once to 16 ints and multiplied by the sub-block's 6-bit scale in the int lanes (still exact), into one
     * int accumulator reduced once per super-block. The mins take 8 scalar multiplies of the activation sums.
     */
    static float dotQ4KRow512(byte[] row, int blocks, short[] aqWide, float[] aScales, int[] aSums16) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q4_K_BYTES;
            int sc = o + KQuantBlock.SCALES_AT;
            int base = k * KQuantBlock.SUPER;
            IntVector acc = IntVector.zero(INTS_512);
            int mins = 0;
            for (int j = 0; j < 4; j++) {
                int qo = o + 16 + 32 * j;
                int ao = base + 64 * j;
                ShortVector w0 = (ShortVector)
                        ByteVector.fromArray(BYTES_128, row, qo).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                ShortVector w1 = (ShortVector)
                        ByteVector.fromArray(BYTES_128, row, qo + 16).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                ShortVector lo = w0.and((short) 0x0F)
                        .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao))
                        .add(w1.and((short) 0x0F).mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 16)));
                ShortVector hi = w0.lanewise(VectorOperators.LSHR, 4)
                        .and((short) 0x0F)
                        .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 32))
                        .add(w1.lanewise(VectorOperators.LSHR, 4)
                                .and((short) 0x0F)
                                .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 48)));
                acc = acc.add(((IntVector) lo.convertShape(VectorOperators.S2I, INTS_512, 0))
                                .mul(KQuantBlock.scale(row, sc, 2 * j)))
                        .add(((IntVector) hi.convertShape(VectorOperators.S2I, INTS_512, 0))
                                .mul(KQuantBlock.scale(row, sc, 2 * j + 1)));
                int s = k * 16 + 4 * j;
                mins += KQuantBlock.min(row, sc, 2 * j) * (aSums16[s] + aSums16[s + 1])
                        + KQuantBlock.min(row, sc, 2 * j + 1) * (aSums16[s + 2] + aSums16[s + 3]);
            }
            int sumi = acc.reduceLanes(VectorOperators.ADD);
            float d = KQuantBlock.half(row, o) * aScales[k];
            float dmin = KQuantBlock.half(row, o + 2) * aScales[k];
            sum += d * sumi - dmin * mins;
        }
        return sum;
    }

    /** {@link #dotQ4KRow512} at 256 bits (AVX2): each sub-block's short lanes widened to 8 ints in two halves. */
    static float dotQ4KRow256(byte[] row, int blocks, short[] aqWide, float[] aScales, int[] aSums16) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q4_K_BYTES;
            int sc = o + KQuantBlock.SCALES_AT;
            int base = k * KQuantBlock.SUPER;
            IntVector acc = IntVector.zero(INTS_256);
            int mins = 0;
            for (int j = 0; j < 4; j++) {
                int qo = o + 16 + 32 * j;
                int ao = base + 64 * j;
                ShortVector w0 = (ShortVector)
                        ByteVector.fromArray(BYTES_128, row, qo).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                ShortVector w1 = (ShortVector)
                        ByteVector.fromArray(BYTES_128, row, qo + 16).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                ShortVector lo = w0.and((short) 0x0F)
                        .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao))
                        .add(w1.and((short) 0x0F).mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 16)));
                ShortVector hi = w0.lanewise(VectorOperators.LSHR, 4)
                        .and((short) 0x0F)
                        .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 32))
                        .add(w1.lanewise(VectorOperators.LSHR, 4)
                                .and((short) 0x0F)
                                .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 48)));
                acc = acc.add(ints8(lo).mul(KQuantBlock.scale(row, sc, 2 * j)))
                        .add(ints8(hi).mul(KQuantBlock.scale(row, sc, 2 * j + 1)));
                int s = k * 16 + 4 * j;
                mins += KQuantBlock.min(row, sc, 2 * j) * (aSums16[s] + aSums16[s + 1])
                        + KQuantBlock.min(row, sc, 2 * j + 1) * (aSums16[s + 2] + aSums16[s + 3]);
            }
            int sumi = acc.reduceLanes(VectorOperators.ADD);
            float d = KQuantBlock.half(row, o) * aScales[k];
            float dmin = KQuantBlock.half(row, o + 2) * aScales[k];
            sum += d * sumi - dmin * mins;
        }
        return sum;
    }

    /** 16 short lanes summed pairwise into 8 int lanes (exact). */
    private static IntVector ints8(ShortVector p) {
        return ((IntVector) p.convertShape(VectorOperators.S2I, INTS_256, 0))
                .add((IntVector) p.convertShape(VectorOperators.S2I, INTS_256, 1));
    }

    /**
     * Q6_K row at 512 bits. Per half of a super-block and per 16 elements: the 16 bytes of {@code ql} low quants, the
     * 16 of the next 32 and the 16 of {@code qh} widened to shorts, the four 6-bit quants rebuilt with short shifts
     * and masks (x86 has no byte shift), minus 32; each 16-element sub-block's products (|p| <= 32 * 128) widened to
     * 16 ints and multiplied by its signed 8-bit scale in the int lanes, into one accumulator reduced once per
     * super-block.
     */
    static float dotQ6KRow512(byte[] row, int blocks, short[] aqWide, float[] aScales) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q6_K_BYTES;
            int base = k * KQuantBlock.SUPER;
            IntVector acc = IntVector.zero(INTS_512);
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 2; h++) {
                    int l = 16 * h;
                    int ql = o + 64 * n + l;
                    int e = base + 128 * n + l;
                    int sc = o + KQuantBlock.Q6_SCALES_AT + 8 * n + h;
                    ShortVector a = (ShortVector)
                            ByteVector.fromArray(BYTES_128, row, ql).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                    ShortVector b = (ShortVector) ByteVector.fromArray(BYTES_128, row, ql + 32)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0);
                    ShortVector hb = (ShortVector) ByteVector.fromArray(BYTES_128, row, o + 128 + 32 * n + l)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0);
                    ShortVector q1 = a.and((short) 0x0F)
                            .or(hb.and((short) 0x03).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    ShortVector q2 = b.and((short) 0x0F)
                            .or(hb.and((short) 0x0C).lanewise(VectorOperators.LSHL, 2))
                            .sub((short) 32);
                    ShortVector q3 = a.lanewise(VectorOperators.LSHR, 4)
                            .and((short) 0x0F)
                            .or(hb.and((short) 0x30))
                            .sub((short) 32);
                    ShortVector q4 = b.lanewise(VectorOperators.LSHR, 4)
                            .and((short) 0x0F)
                            .or(hb.lanewise(VectorOperators.LSHR, 2).and((short) 0x30))
                            .sub((short) 32);
                    acc = acc.add(((IntVector) q1.mul(ShortVector.fromArray(SHORTS_256, aqWide, e))
                                            .convertShape(VectorOperators.S2I, INTS_512, 0))
                                    .mul(row[sc]))
                            .add(((IntVector) q2.mul(ShortVector.fromArray(SHORTS_256, aqWide, e + 32))
                                            .convertShape(VectorOperators.S2I, INTS_512, 0))
                                    .mul(row[sc + 2]))
                            .add(((IntVector) q3.mul(ShortVector.fromArray(SHORTS_256, aqWide, e + 64))
                                            .convertShape(VectorOperators.S2I, INTS_512, 0))
                                    .mul(row[sc + 4]))
                            .add(((IntVector) q4.mul(ShortVector.fromArray(SHORTS_256, aqWide, e + 96))
                                            .convertShape(VectorOperators.S2I, INTS_512, 0))
                                    .mul(row[sc + 6]));
                }
            }
            int sumi = acc.reduceLanes(VectorOperators.ADD);
            sum += KQuantBlock.half(row, o + KQuantBlock.Q6_D_AT) * aScales[k] * sumi;
        }
        return sum;
    }

    /** {@link #dotQ6KRow512} at 256 bits (AVX2): each sub-block's 16 products widened to 8 ints in two halves. */
    static float dotQ6KRow256(byte[] row, int blocks, short[] aqWide, float[] aScales) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q6_K_BYTES;
            int base = k * KQuantBlock.SUPER;
            IntVector acc = IntVector.zero(INTS_256);
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 2; h++) {
                    int l = 16 * h;
                    int ql = o + 64 * n + l;
                    int e = base + 128 * n + l;
                    int sc = o + KQuantBlock.Q6_SCALES_AT + 8 * n + h;
                    ShortVector a = (ShortVector)
                            ByteVector.fromArray(BYTES_128, row, ql).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                    ShortVector b = (ShortVector) ByteVector.fromArray(BYTES_128, row, ql + 32)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0);
                    ShortVector hb = (ShortVector) ByteVector.fromArray(BYTES_128, row, o + 128 + 32 * n + l)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0);
                    ShortVector q1 = a.and((short) 0x0F)
                            .or(hb.and((short) 0x03).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    ShortVector q2 = b.and((short) 0x0F)
                            .or(hb.and((short) 0x0C).lanewise(VectorOperators.LSHL, 2))
                            .sub((short) 32);
                    ShortVector q3 = a.lanewise(VectorOperators.LSHR, 4)
                            .and((short) 0x0F)
                            .or(hb.and((short) 0x30))
                            .sub((short) 32);
                    ShortVector q4 = b.lanewise(VectorOperators.LSHR, 4)
                            .and((short) 0x0F)
                            .or(hb.lanewise(VectorOperators.LSHR, 2).and((short) 0x30))
                            .sub((short) 32);
                    acc = acc.add(ints8(q1.mul(ShortVector.fromArray(SHORTS_256, aqWide, e)))
                                    .mul(row[sc]))
                            .add(ints8(q2.mul(ShortVector.fromArray(SHORTS_256, aqWide, e + 32)))
                                    .mul(row[sc + 2]))
                            .add(ints8(q3.mul(ShortVector.fromArray(SHORTS_256, aqWide, e + 64)))
                                    .mul(row[sc + 4]))
                            .add(ints8(q4.mul(ShortVector.fromArray(SHORTS_256, aqWide, e + 96)))
                                    .mul(row[sc + 6]));
                }
            }
            int sumi = acc.reduceLanes(VectorOperators.ADD);
            sum += KQuantBlock.half(row, o + KQuantBlock.Q6_D_AT) * aScales[k] * sumi;
        }
        return sum;
    }

    @Override
    public float dotQ5KRow(byte[] row, int blocks, byte[] aq, short[] aqWide, float[] aScales, int[] aSums16) {
        return WIDE
                ? dotQ5KRow512(row, blocks, aqWide, aScales, aSums16)
                : dotQ5KRow256(row, blocks, aqWide, aScales, aSums16);
    }

    /**
     * Q5_K row at 512 bits, as {@link #dotQ4KRow512} with each element's fifth bit from {@code qh}: the 32 {@code qh}
     * bytes widened to shorts and shifted left by 4 once per super-block, so bit {@code b} of an element's byte is
     * moved to 16 by one shift right and one mask (products fit: |p| <= 2 * 31 * 128 in a short lane).
     */
    static float dotQ5KRow512(byte[] row, int blocks, short[] aqWide, float[] aScales, int[] aSums16) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q5_K_BYTES;
            int sc = o + KQuantBlock.SCALES_AT;
            int base = k * KQuantBlock.SUPER;
            ShortVector h0 = ((ShortVector) ByteVector.fromArray(BYTES_128, row, o + 16)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .lanewise(VectorOperators.LSHL, 4);
            ShortVector h1 = ((ShortVector) ByteVector.fromArray(BYTES_128, row, o + 32)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .lanewise(VectorOperators.LSHL, 4);
            IntVector acc = IntVector.zero(INTS_512);
            int mins = 0;
            for (int j = 0; j < 4; j++) {
                int qo = o + 48 + 32 * j;
                int ao = base + 64 * j;
                ShortVector w0 = (ShortVector)
                        ByteVector.fromArray(BYTES_128, row, qo).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                ShortVector w1 = (ShortVector)
                        ByteVector.fromArray(BYTES_128, row, qo + 16).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                ShortVector lo = w0.and((short) 0x0F)
                        .or(h0.lanewise(VectorOperators.LSHR, 2 * j).and((short) 0x10))
                        .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao))
                        .add(w1.and((short) 0x0F)
                                .or(h1.lanewise(VectorOperators.LSHR, 2 * j).and((short) 0x10))
                                .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 16)));
                ShortVector hi = w0.lanewise(VectorOperators.LSHR, 4)
                        .and((short) 0x0F)
                        .or(h0.lanewise(VectorOperators.LSHR, 2 * j + 1).and((short) 0x10))
                        .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 32))
                        .add(w1.lanewise(VectorOperators.LSHR, 4)
                                .and((short) 0x0F)
                                .or(h1.lanewise(VectorOperators.LSHR, 2 * j + 1).and((short) 0x10))
                                .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 48)));
                acc = acc.add(((IntVector) lo.convertShape(VectorOperators.S2I, INTS_512, 0))
                                .mul(KQuantBlock.scale(row, sc, 2 * j)))
                        .add(((IntVector) hi.convertShape(VectorOperators.S2I, INTS_512, 0))
                                .mul(KQuantBlock.scale(row, sc, 2 * j + 1)));
                int s = k * 16 + 4 * j;
                mins += KQuantBlock.min(row, sc, 2 * j) * (aSums16[s] + aSums16[s + 1])
                        + KQuantBlock.min(row, sc, 2 * j + 1) * (aSums16[s + 2] + aSums16[s + 3]);
            }
            int sumi = acc.reduceLanes(VectorOperators.ADD);
            float d = KQuantBlock.half(row, o) * aScales[k];
            float dmin = KQuantBlock.half(row, o + 2) * aScales[k];
            sum += d * sumi - dmin * mins;
        }
        return sum;
    }

    /** {@link #dotQ5KRow512} at 256 bits (AVX2). */
    static float dotQ5KRow256(byte[] row, int blocks, short[] aqWide, float[] aScales, int[] aSums16) {
        float sum = 0;
        for (int k = 0; k < blocks; k++) {
            int o = k * KQuantBlock.Q5_K_BYTES;
            int sc = o + KQuantBlock.SCALES_AT;
            int base = k * KQuantBlock.SUPER;
            ShortVector h0 = ((ShortVector) ByteVector.fromArray(BYTES_128, row, o + 16)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .lanewise(VectorOperators.LSHL, 4);
            ShortVector h1 = ((ShortVector) ByteVector.fromArray(BYTES_128, row, o + 32)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .lanewise(VectorOperators.LSHL, 4);
            IntVector acc = IntVector.zero(INTS_256);
            int mins = 0;
            for (int j = 0; j < 4; j++) {
                int qo = o + 48 + 32 * j;
                int ao = base + 64 * j;
                ShortVector w0 = (ShortVector)
                        ByteVector.fromArray(BYTES_128, row, qo).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                ShortVector w1 = (ShortVector)
                        ByteVector.fromArray(BYTES_128, row, qo + 16).convertShape(VectorOperators.B2S, SHORTS_256, 0);
                ShortVector lo = w0.and((short) 0x0F)
                        .or(h0.lanewise(VectorOperators.LSHR, 2 * j).and((short) 0x10))
                        .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao))
                        .add(w1.and((short) 0x0F)
                                .or(h1.lanewise(VectorOperators.LSHR, 2 * j).and((short) 0x10))
                                .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 16)));
                ShortVector hi = w0.lanewise(VectorOperators.LSHR, 4)
                        .and((short) 0x0F)
                        .or(h0.lanewise(VectorOperators.LSHR, 2 * j + 1).and((short) 0x10))
                        .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 32))
                        .add(w1.lanewise(VectorOperators.LSHR, 4)
                                .and((short) 0x0F)
                                .or(h1.lanewise(VectorOperators.LSHR, 2 * j + 1).and((short) 0x10))
                                .mul(ShortVector.fromArray(SHORTS_256, aqWide, ao + 48)));
                acc = acc.add(ints8(lo).mul(KQuantBlock.scale(row, sc, 2 * j)))
                        .add(ints8(hi).mul(KQuantBlock.scale(row, sc, 2 * j + 1)));
                int s = k * 16 + 4 * j;
                mins += KQuantBlock.min(row, sc, 2 * j) * (aSums16[s] + aSums16[s + 1])
                        + KQuantBlock.min(row, sc, 2 * j + 1) * (aSums16[s + 2] + aSums16[s + 3]);
            }
            int sumi = acc.reduceLanes(VectorOperators.ADD);
            float d = KQuantBlock.half(row, o) * aScales[k];
            float dmin = KQuantBlock.half(row, o + 2) * aScales[k];
            sum += d * sumi - dmin * mins;
        }
        return sum;
    }
}
