package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * K-quant blocks built by hand from ggml's layouts (block_q4_K, block_q6_K), with the expected values worked out in
 * the test, and matvec against the dequantized rows. No llama.cpp K-quant file was available to compare with.
 */
class KQuantTest {

    private static void half(byte[] b, int at, float v) {
        short h = Float16.fromFloat(v);
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >> 8);
    }

    @Test
    void q4kScalesMinsAndNibblesLandWhereGgmlPutsThem() {
        byte[] b = new byte[144];
        half(b, 0, 1.0f); // d
        half(b, 2, 0.5f); // dmin
        byte[] scales = {(byte) 0xC1, 2, 3, 4, 5, 6, 7, 8, 0x21, 0x43, 0x65, (byte) 0x87};
        System.arraycopy(scales, 0, b, 4, 12);
        b[16] = 0x3A; // qs[0]: low nibble 10 -> sub-block 0, element 0; high nibble 3 -> sub-block 1, element 0
        b[16 + 32] = 0x05; // qs[32]: low nibble 5 -> sub-block 2, element 0
        b[16 + 96] = (byte) 0xF0; // qs[96]: high nibble 15 -> sub-block 7, element 0
        float[] y = new float[256];
        WeightMatrix.KQuant.q4k(b, y, 0);
        // sub-block 0: scale 0xC1 & 63 = 1, min 5 & 63 = 5: 1 * 1 * 10 - 0.5 * 5
        assertEquals(10f - 2.5f, y[0], 0f);
        // sub-block 1: scale 2, min 6: element 0 is the high nibble of qs[0]
        assertEquals(2f * 3 - 0.5f * 6, y[32], 0f);
        // sub-block 2: scale 3, min 7
        assertEquals(3f * 5 - 0.5f * 7, y[64], 0f);
        // sub-block 4 takes the top bits: scale (0x21 & 0xF) | (0xC1 >> 6) << 4 = 49, min 0x21 >> 4 = 2
        assertEquals(0f - 0.5f * 2, y[128], 0f);
        // sub-block 7: scale (0x87 & 0xF) | (4 >> 6) << 4 = 7, min 0x87 >> 4 = 8; element 0 = 15
        assertEquals(7f * 15 - 0.5f * 8, y[224], 0f);
        // and sub-block 4's scale shows on a nonzero element
        b[16 + 64] = 0x02;
        WeightMatrix.KQuant.q4k(b, y, 0);
        assertEquals(49f * 2 - 0.5f * 2, y[128], 0f);
    }

    @Test
    void q6kLowAndHighBitsAndSignedScales() {
        byte[] b = new byte[210];
        b[0] = 0x21; // ql[0]: low nibble 1 (element 0), high nibble 2 (element 64)
        b[128] = (byte) 0b11100100; // qh[0]: bits for elements 0, 32, 64, 96: 0, 1, 2, 3
        for (int i = 0; i < 16; i++) {
            b[192 + i] = (byte) (i + 1);
        }
        b[192 + 6] = -7; // a negative scale
        half(b, 208, 0.25f);
        float[] y = new float[256];
        WeightMatrix.KQuant.q6k(b, y, 0);
        assertEquals(0.25f * 1 * (1 - 32), y[0], 0f);
        assertEquals(0.25f * 3 * ((1 << 4) - 32), y[32], 0f);
        assertEquals(0.25f * 5 * ((2 | 2 << 4) - 32), y[64], 0f);
        assertEquals(0.25f * -7 * ((3 << 4) - 32), y[96], 0f);
        assertEquals(0.25f * 1 * -32, y[1], 0f);
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"Q4_K", "Q5_K", "Q6_K"})
    void matvecIsTheDequantizedRowsDottedWithTheQ8kRoundedInput(GgmlType type) {
        Random rnd = new Random(3);
        int rows = 6;
        int cols = 512;
        ByteBuffer data =
                ByteBuffer.allocate((int) type.bytesFor((long) rows * cols)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] bytes = new byte[data.capacity()];
        rnd.nextBytes(bytes);
        data.put(bytes).flip();
        // keep the half-precision scales finite and small
        for (int blk = 0; blk < rows * cols / 256; blk++) {
            int at = blk * type.typeSize() + (type == GgmlType.Q6_K ? 208 : 0);
            data.putShort(at, Float16.fromFloat(0.01f));
            if (type != GgmlType.Q6_K) {
                data.putShort(at + 2, Float16.fromFloat(0.02f));
            }
        }
        GgufTensorInfo info = new GgufTensorInfo("w", new long[] {cols, rows}, type, 0, data.capacity());
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        // the fused integer kernel must equal the dequantized row dotted with the activations as Q8_K sees them
        WeightMatrix.Q8KActivations a = new WeightMatrix.Q8KActivations(x);
        for (var ops : new InferenceKernels[] {InferenceKernelsProvider.scalar(), InferenceKernelsProvider.get()}) {
            WeightMatrix m = WeightMatrix.of(info, data, ops);
            float[] out = new float[rows];
            m.matvec(x, out);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                m.row(r, row);
                double want = 0;
                double exact = 0;
                double scale = 0;
                for (int c = 0; c < cols; c++) {
                    want += (double) row[c] * a.quants[c] * a.scales[c / 256];
                    exact += (double) row[c] * x[c];
                    scale += Math.abs((double) row[c] * x[c]);
                }
                assertEquals(want, out[r], 1e-5 * Math.max(1, scale), ops.name() + " row " + r);
                // and Q8_K rounding stays small against the float product
                assertEquals(exact, out[r], 0.02 * Math.max(1, scale), ops.name() + " row " + r + " vs floats");
            }
        }
        // quantize_row_q8_K: the element of largest magnitude maps to -127 and the block sums add up
        assertEquals(-127, a.quants[argmaxAbs(x, 0)]);
        int sum = 0;
        for (int i = 0; i < 16; i++) {
            sum += a.quants[i];
        }
        assertEquals(sum, a.sums16[0]);
    }

    private static int argmaxAbs(float[] x, int block) {
        int best = block * 256;
        for (int i = block * 256; i < block * 256 + 256; i++) {
            if (Math.abs(x[i]) > Math.abs(x[best])) {
                best = i;
            }
        }
        return best;
    }
}
