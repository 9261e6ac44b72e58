package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The KV cache on both backends: half floats widened exactly, and attention over an F16 cache against a double
 * precision reference of what F16 attention computes (query, keys, values and attention weights rounded to half
 * precision), against the float cache within a stated tolerance, and at half its memory.
 */
class KvCacheTest {

    /** 4 heads sharing 2 KV heads of 24 (not a multiple of the vector length: the kernels' tails run too). */
    static final LlamaConfig SHAPE = new LlamaConfig("llama", 96, 2, 4, 2, 64, 40, 10, 24, 10000f, 1e-5f, false);

    /** Float sums against the double reference: a few ulps of values near 1, over 24-term dots and 40 positions. */
    static final float EXACT_TOLERANCE = 1e-4f;

    /**
     * F16 against F32 attention, for keys, values and queries in [-1, 1): half precision keeps 11 significant bits
     * (relative error up to 2^-11 = 4.9e-4 per element), which moves the scores of 24-term dots by up to ~3e-3 and the
     * outputs (weighted means of values in [-1, 1)) by less than 1e-2.
     */
    static final float F16_TOLERANCE = 1e-2f;

    static Stream<InferenceKernels> backends() {
        List<InferenceKernels> all = new ArrayList<>();
        all.add(InferenceKernelsProvider.scalar());
        InferenceKernels panama = InferenceKernelsProvider.panamaOrNull();
        if (panama != null) {
            all.add(panama);
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void everyHalfFloatWidensExactly(InferenceKernels ops) {
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        for (int[] cut : new int[][] {{0, 0, all.length}, {3, 5, all.length - 3}, {7, 1, 37}, {0, 2, 1}}) {
            int from = cut[0];
            int to = cut[1];
            int len = cut[2];
            float[] out = new float[to + len + 3];
            java.util.Arrays.fill(out, -7f);
            ops.halfToFloat(all, from, out, to, len);
            for (int i = 0; i < len; i++) {
                float want = Float.float16ToFloat(all[from + i]);
                assertEquals(
                        Float.floatToRawIntBits(want),
                        Float.floatToRawIntBits(out[to + i]),
                        ops.name() + ": half 0x" + Integer.toHexString(all[from + i] & 0xffff) + " widened to "
                                + out[to + i] + ", expected " + want);
            }
            for (int i = 0; i < out.length; i++) {
                if (i < to || i >= to + len) {
                    assertEquals(-7f, out[i], ops.name() + ": wrote outside the range at " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void attentionMatchesTheReferenceOfEachCacheTypeAndF16StaysNearF32(InferenceKernels ops) {
        Random rnd = new Random(22);
        int layers = SHAPE.layers();
        int ctx = SHAPE.contextLength();
        float[][][] ks = new float[layers][ctx][];
        float[][][] vs = new float[layers][ctx][];
        KvCache half = new KvCache(SHAPE, KvCacheType.F16, ops);
        KvCache full = new KvCache(SHAPE, KvCacheType.F32, ops);
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < ctx; t++) {
                ks[l][t] = random(rnd, SHAPE.kvDim());
                vs[l][t] = random(rnd, SHAPE.kvDim());
                half.put(l, t, ks[l][t], vs[l][t]);
                full.put(l, t, ks[l][t], vs[l][t]);
            }
        }
        float largestGap = 0;
        for (int l = 0; l < layers; l++) {
            for (int pos : new int[] {0, 1, 17, ctx - 1}) {
                float[] q = random(rnd, SHAPE.dim());
                float[] outHalf = new float[SHAPE.dim()];
                float[] outFull = new float[SHAPE.dim()];
                half.attend(l, pos, q, outHalf);
                full.attend(l, pos, q, outFull);
                float[] refHalf = reference(ks[l], vs[l], q, pos, true);
                float[] refFull = reference(ks[l], vs[l], q, pos, false);
                for (int i = 0; i < SHAPE.dim(); i++) {
                    String at = ops.name() + " layer " + l + " position " + pos + " element " + i;
                    assertEquals(refHalf[i], outHalf[i], EXACT_TOLERANCE, "F16 cache against its reference, " + at);
                    assertEquals(refFull[i], outFull[i], EXACT_TOLERANCE, "F32 cache against its reference, " + at);
                    assertEquals(outFull[i], outHalf[i], F16_TOLERANCE, "F16 against F32, " + at);
                    largestGap = Math.max(largestGap, Math.abs(outFull[i] - outHalf[i]));
                }
            }
        }
        assertTrue(largestGap > 0, "the F16 cache rounds: its attention differs from the float cache's somewhere");
    }

    @Test
    void anF16CacheTakesHalfTheBytesOfAnF32One() {
        InferenceKernels ops = InferenceKernelsProvider.scalar();
        long elements = 2L * SHAPE.layers() * SHAPE.contextLength() * SHAPE.kvDim();
        assertEquals(elements * 2, new KvCache(SHAPE, KvCacheType.F16, ops).bytes());
        assertEquals(elements * 4, new KvCache(SHAPE, KvCacheType.F32, ops).bytes());
    }

    @Test
    void aNullCacheTypeIsRefusedNamingTheOption() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LlamaModel.builder(Path.of("unused.gguf")).kvCache(null));
        assertTrue(e.getMessage().contains("kvCache"), e.getMessage());
    }

    /** Attention in double precision; with {@code half}, on the F16 roundings of the query, keys, values and weights. */
    private static float[] reference(float[][] ks, float[][] vs, float[] q, int pos, boolean half) {
        int hd = SHAPE.headDim();
        int groups = SHAPE.heads() / SHAPE.kvHeads();
        float[] out = new float[SHAPE.dim()];
        for (int h = 0; h < SHAPE.heads(); h++) {
            int ko = (h / groups) * hd;
            double[] s = new double[pos + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t <= pos; t++) {
                double dot = 0;
                for (int i = 0; i < hd; i++) {
                    dot += (double) r(q[h * hd + i], half) * r(ks[t][ko + i], half);
                }
                s[t] = (float) dot * (float) (1.0 / Math.sqrt(hd));
                max = Math.max(max, s[t]);
            }
            double sum = 0;
            for (int t = 0; t <= pos; t++) {
                s[t] = Math.exp(s[t] - max);
                sum += s[t];
            }
            for (int i = 0; i < hd; i++) {
                double o = 0;
                for (int t = 0; t <= pos; t++) {
                    o += (double) r((float) (s[t] / sum), half) * r(vs[t][ko + i], half);
                }
                out[h * hd + i] = (float) o;
            }
        }
        return out;
    }

    private static float r(float f, boolean half) {
        return half ? Float16.round(f) : f;
    }

    private static float[] random(Random rnd, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = rnd.nextFloat() * 2 - 1;
        }
        return f;
    }
}
