package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The K-quant row kernels ({@link InferenceKernels#dotQ4KRow}, {@link InferenceKernels#dotQ5KRow},
 * {@link InferenceKernels#dotQ6KRow}) give bit for bit
 * the floats of the path they replaced ({@link OldPath}: each super-block unpacked to bytes in scalar Java, then a
 * {@code dotBytes} per sub-block), on both backends and both Vector API shapes (512 and 256 bits), on random and
 * extreme super-blocks, and through {@link WeightMatrix#matvec}.
 */
class KQuantRowKernelTest {

    /** The kernels under test: name and Q4_K / Q6_K row functions. */
    private record Kernel(String name, Q4K q4k, Q4K q5k, Q6K q6k) {}

    private interface Q4K {
        float dot(byte[] row, int blocks, Acts a);
    }

    private interface Q6K {
        float dot(byte[] row, int blocks, Acts a);
    }

    /** Q8_K activations as the kernels take them. */
    private record Acts(byte[] quants, short[] wide, float[] scales, int[] sums16) {
        static Acts of(byte[] quants, float[] scales) {
            short[] wide = new short[quants.length];
            int[] sums16 = new int[quants.length / 16];
            for (int i = 0; i < quants.length; i++) {
                wide[i] = quants[i];
                sums16[i / 16] += quants[i];
            }
            return new Acts(quants, wide, scales, sums16);
        }
    }

    private static List<Kernel> kernels() {
        List<Kernel> all = new ArrayList<>();
        InferenceKernels scalar = InferenceKernelsProvider.scalar();
        all.add(new Kernel(
                "scalar",
                (r, n, a) -> scalar.dotQ4KRow(r, n, a.quants, a.wide, a.scales, a.sums16),
                (r, n, a) -> scalar.dotQ5KRow(r, n, a.quants, a.wide, a.scales, a.sums16),
                (r, n, a) -> scalar.dotQ6KRow(r, n, a.quants, a.wide, a.scales)));
        InferenceKernels panama = InferenceKernelsProvider.panamaOrNull();
        assumeTrue(panama != null, "jdk.incubator.vector is absent");
        all.add(new Kernel(
                panama.name(),
                (r, n, a) -> panama.dotQ4KRow(r, n, a.quants, a.wide, a.scales, a.sums16),
                (r, n, a) -> panama.dotQ5KRow(r, n, a.quants, a.wide, a.scales, a.sums16),
                (r, n, a) -> panama.dotQ6KRow(r, n, a.quants, a.wide, a.scales)));
        all.add(new Kernel(
                "panama-512 shape",
                (r, n, a) -> PanamaInferenceKernels.dotQ4KRow512(r, n, a.wide, a.scales, a.sums16),
                (r, n, a) -> PanamaInferenceKernels.dotQ5KRow512(r, n, a.wide, a.scales, a.sums16),
                (r, n, a) -> PanamaInferenceKernels.dotQ6KRow512(r, n, a.wide, a.scales)));
        all.add(new Kernel(
                "panama-256 shape",
                (r, n, a) -> PanamaInferenceKernels.dotQ4KRow256(r, n, a.wide, a.scales, a.sums16),
                (r, n, a) -> PanamaInferenceKernels.dotQ5KRow256(r, n, a.wide, a.scales, a.sums16),
                (r, n, a) -> PanamaInferenceKernels.dotQ6KRow256(r, n, a.wide, a.scales)));
        return all;
    }

    private static void half(byte[] b, int at, float v) {
        short h = Float16.fromFloat(v);
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >> 8);
    }

    /** Random bytes with finite halves of about {@code scale} at the given offsets of each super-block. */
    private static byte[] randomRow(Random rnd, int blocks, int size, int[] halves, float scale) {
        byte[] row = new byte[blocks * size];
        rnd.nextBytes(row);
        for (int k = 0; k < blocks; k++) {
            for (int at : halves) {
                half(row, k * size + at, (float) (scale * (0.5 + rnd.nextDouble())));
            }
        }
        return row;
    }

    private static Acts randomActs(Random rnd, int blocks) {
        byte[] q = new byte[blocks * 256];
        rnd.nextBytes(q);
        float[] s = new float[blocks];
        for (int k = 0; k < blocks; k++) {
            s[k] = (float) (0.001 + 0.05 * rnd.nextDouble());
        }
        return Acts.of(q, s);
    }

    private static void assertSameBits(float want, float got, String what) {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": want " + want + ", got " + got);
    }

    @Test
    void q4kRowsEqualTheOldPathBitForBitOnRandomSuperBlocks() {
        List<Kernel> kernels = kernels();
        Random rnd = new Random(22);
        for (int blocks : new int[] {1, 3, 8}) {
            for (int trial = 0; trial < 40; trial++) {
                byte[] row = randomRow(rnd, blocks, 144, new int[] {0, 2}, 0.01f);
                Acts a = randomActs(rnd, blocks);
                float want = OldPath.q4kRow(row, blocks, a);
                for (Kernel k : kernels) {
                    assertSameBits(want, k.q4k.dot(row, blocks, a), k.name + " Q4_K blocks " + blocks + " #" + trial);
                }
            }
        }
    }

    @Test
    void q5kRowsEqualTheOldPathBitForBitOnRandomSuperBlocks() {
        List<Kernel> kernels = kernels();
        Random rnd = new Random(25);
        for (int blocks : new int[] {1, 3, 8}) {
            for (int trial = 0; trial < 40; trial++) {
                byte[] row = randomRow(rnd, blocks, 176, new int[] {0, 2}, 0.01f);
                Acts a = randomActs(rnd, blocks);
                float want = OldPath.q5kRow(row, blocks, a);
                for (Kernel k : kernels) {
                    assertSameBits(want, k.q5k.dot(row, blocks, a), k.name + " Q5_K blocks " + blocks + " #" + trial);
                }
            }
        }
    }

    @Test
    void q6kRowsEqualTheOldPathBitForBitOnRandomSuperBlocks() {
        List<Kernel> kernels = kernels();
        Random rnd = new Random(23);
        for (int blocks : new int[] {1, 3, 8}) {
            for (int trial = 0; trial < 40; trial++) {
                byte[] row = randomRow(rnd, blocks, 210, new int[] {208}, 0.01f);
                Acts a = randomActs(rnd, blocks);
                float want = OldPath.q6kRow(row, blocks, a);
                for (Kernel k : kernels) {
                    assertSameBits(want, k.q6k.dot(row, blocks, a), k.name + " Q6_K blocks " + blocks + " #" + trial);
                }
            }
        }
    }

    @Test
    void extremeScalesQuantsAndActivationsStayExact() {
        List<Kernel> kernels = kernels();
        int blocks = 4;
        for (byte act : new byte[] {127, -128, -127}) {
            byte[] q = new byte[blocks * 256];
            java.util.Arrays.fill(q, act);
            Acts a = Acts.of(q, new float[] {1e-3f, 2e-3f, 0.5f, 1f});
            // Q4_K: all 6-bit scales and mins 63, all nibbles 15
            byte[] q4 = new byte[blocks * 144];
            java.util.Arrays.fill(q4, (byte) 0xFF);
            byte[] q5 = new byte[blocks * 176];
            java.util.Arrays.fill(q5, (byte) 0xFF);
            // Q6_K: all quants 31 (ql, qh all ones) or -32 (all zeros), scales -128 and 127 alternating
            byte[] q6 = new byte[blocks * 210];
            for (int k = 0; k < blocks; k++) {
                half(q4, k * 144, 0.25f);
                half(q4, k * 144 + 2, 0.125f);
                half(q5, k * 176, 0.25f);
                half(q5, k * 176 + 2, 0.125f);
                java.util.Arrays.fill(q6, k * 210, k * 210 + 192, k % 2 == 0 ? (byte) 0xFF : 0);
                for (int s = 0; s < 16; s++) {
                    q6[k * 210 + 192 + s] = s % 2 == 0 ? (byte) -128 : 127;
                }
                half(q6, k * 210 + 208, 0.5f);
            }
            for (Kernel k : kernels) {
                assertSameBits(
                        OldPath.q4kRow(q4, blocks, a), k.q4k.dot(q4, blocks, a), k.name + " Q4_K all 63, " + act);
                assertSameBits(
                        OldPath.q6kRow(q6, blocks, a), k.q6k.dot(q6, blocks, a), k.name + " Q6_K extremes, " + act);
            }
        }
    }

    @Test
    void matvecThroughTheRowKernelsEqualsTheOldPath() {
        Random rnd = new Random(24);
        int rows = 5;
        int cols = 768;
        int blocks = cols / 256;
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        WeightMatrix.Q8KActivations q8k = new WeightMatrix.Q8KActivations(x);
        Acts a = Acts.of(q8k.quants, q8k.scales);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            int size = type.typeSize();
            int[] halves = type == GgmlType.Q6_K ? new int[] {208} : new int[] {0, 2};
            byte[] bytes = randomRow(rnd, rows * blocks, size, halves, 0.01f);
            ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, bytes.length);
            InferenceKernels panama = InferenceKernelsProvider.panamaOrNull();
            for (var ops : panama == null
                    ? new InferenceKernels[] {InferenceKernelsProvider.scalar()}
                    : new InferenceKernels[] {InferenceKernelsProvider.scalar(), panama}) {
                float[] out = new float[rows];
                WeightMatrix.of(info, data, ops).matvec(x, out);
                for (int r = 0; r < rows; r++) {
                    byte[] row = java.util.Arrays.copyOfRange(bytes, r * blocks * size, (r + 1) * blocks * size);
                    float want = switch (type) {
                        case Q4_K -> OldPath.q4kRow(row, blocks, a);
                        case Q5_K -> OldPath.q5kRow(row, blocks, a);
                        default -> OldPath.q6kRow(row, blocks, a);
                    };
                    assertSameBits(want, out[r], ops.name() + " " + type + " row " + r);
                }
            }
        }
    }

    @Test
    void matmulGivesEachInputItsMatvecBits() {
        Random rnd = new Random(26);
        int n = 11;
        // small (one thread) and large enough for the executor's split (rows * cols >= 2^18)
        for (int[] shape : new int[][] {{4, 512}, {128, 2048}}) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q6_K}) {
                int rows = shape[0];
                int cols = shape[1];
                int[] halves = type == GgmlType.Q6_K ? new int[] {208} : new int[] {0, 2};
                byte[] bytes = randomRow(rnd, rows * cols / 256, type.typeSize(), halves, 0.01f);
                GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, bytes.length);
                WeightMatrix m = WeightMatrix.of(
                        info, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), InferenceKernelsProvider.get());
                float[][] xs = new float[n][cols];
                for (float[] x : xs) {
                    for (int i = 0; i < cols; i++) {
                        x[i] = (float) rnd.nextGaussian();
                    }
                }
                float[][] outs = new float[n][rows];
                m.matmul(xs, n, outs);
                for (int t = 0; t < n; t++) {
                    float[] want = new float[rows];
                    m.matvec(xs[t], want);
                    for (int r = 0; r < rows; r++) {
                        assertSameBits(
                                want[r], outs[t][r], type + " " + rows + "x" + cols + " input " + t + " row " + r);
                    }
                }
            }
        }
    }

    /**
     * The K-quant path as it was before the row kernels (WeightMatrix.KQuant's dotQ45K and dotQ6K, allocating scaleMin included), kept here as the
     * reference: super-blocks unpacked to bytes, one exact dot per sub-block, then the same float expressions.
     */
    private static final class OldPath {
        private static final InferenceKernels OPS = InferenceKernelsProvider.scalar();

        static float q4kRow(byte[] row, int blocks, Acts a) {
            float sum = 0;
            byte[] b = new byte[144];
            byte[] q = new byte[256];
            for (int k = 0; k < blocks; k++) {
                System.arraycopy(row, k * 144, b, 0, 144);
                for (int j = 0; j < 4; j++) {
                    for (int l = 0; l < 32; l++) {
                        int v = b[16 + 32 * j + l] & 0xFF;
                        q[64 * j + l] = (byte) (v & 0xF);
                        q[64 * j + 32 + l] = (byte) (v >>> 4);
                    }
                }
                sum += sumOfSubBlocks(b, q, a, k);
            }
            return sum;
        }

        /** dotQ45K's common tail: unpacked quants {@code q} of super-block {@code b} against activation block k. */
        private static float sumOfSubBlocks(byte[] b, byte[] q, Acts a, int k) {
            int base = k * 256;
            int sumi = 0;
            int mins = 0;
            for (int sb = 0; sb < 8; sb++) {
                int[] sm = scaleMin(b, 4, sb);
                sumi += sm[0] * OPS.dotBytes(q, 32 * sb, a.quants, base + 32 * sb, 32);
                mins += sm[1] * (a.sums16[k * 16 + 2 * sb] + a.sums16[k * 16 + 2 * sb + 1]);
            }
            float d = half(b, 0) * a.scales[k];
            float dmin = half(b, 2) * a.scales[k];
            return d * sumi - dmin * mins;
        }

        static float q5kRow(byte[] row, int blocks, Acts a) {
            float sum = 0;
            byte[] b = new byte[176];
            byte[] q = new byte[256];
            for (int k = 0; k < blocks; k++) {
                System.arraycopy(row, k * 176, b, 0, 176);
                int u1 = 1;
                int u2 = 2;
                for (int j = 0; j < 4; j++) {
                    for (int l = 0; l < 32; l++) {
                        int v = b[48 + 32 * j + l] & 0xFF;
                        int h = b[16 + l] & 0xFF;
                        q[64 * j + l] = (byte) ((v & 0xF) + ((h & u1) != 0 ? 16 : 0));
                        q[64 * j + 32 + l] = (byte) ((v >>> 4) + ((h & u2) != 0 ? 16 : 0));
                    }
                    u1 <<= 2;
                    u2 <<= 2;
                }
                sum += sumOfSubBlocks(b, q, a, k);
            }
            return sum;
        }

        static float q6kRow(byte[] row, int blocks, Acts a) {
            float sum = 0;
            byte[] b = new byte[210];
            byte[] q = new byte[256];
            for (int k = 0; k < blocks; k++) {
                System.arraycopy(row, k * 210, b, 0, 210);
                for (int n = 0; n < 2; n++) {
                    int ql = 64 * n;
                    int qh = 128 + 32 * n;
                    for (int l = 0; l < 32; l++) {
                        int h = b[qh + l] & 0xFF;
                        q[128 * n + l] = (byte) (((b[ql + l] & 0xF) | ((h & 3) << 4)) - 32);
                        q[128 * n + l + 32] = (byte) (((b[ql + l + 32] & 0xF) | (((h >>> 2) & 3) << 4)) - 32);
                        q[128 * n + l + 64] = (byte) ((((b[ql + l] & 0xFF) >>> 4) | (((h >>> 4) & 3) << 4)) - 32);
                        q[128 * n + l + 96] = (byte) ((((b[ql + l + 32] & 0xFF) >>> 4) | (((h >>> 6) & 3) << 4)) - 32);
                    }
                }
                int base = k * 256;
                int sumi = 0;
                for (int sb = 0; sb < 16; sb++) {
                    sumi += b[192 + sb] * OPS.dotBytes(q, 16 * sb, a.quants, base + 16 * sb, 16);
                }
                sum += half(b, 208) * a.scales[k] * sumi;
            }
            return sum;
        }

        private static float half(byte[] b, int at) {
            return Float16.toFloat((short) ((b[at] & 0xFF) | (b[at + 1] << 8)));
        }

        private static int[] scaleMin(byte[] b, int q, int j) {
            if (j < 4) {
                return new int[] {b[q + j] & 63, b[q + j + 4] & 63};
            }
            return new int[] {
                (b[q + j + 4] & 0xF) | (((b[q + j - 4] & 0xFF) >>> 6) << 4),
                ((b[q + j + 4] & 0xFF) >>> 4) | (((b[q + j] & 0xFF) >>> 6) << 4)
            };
        }
    }
}
