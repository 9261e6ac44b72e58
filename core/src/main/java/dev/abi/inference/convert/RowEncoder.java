package dev.abi.inference.convert;

import dev.abi.inference.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes rows of floats as the GGUF tensor types our converters write: F32, F16, Q8_0 and Q5_0 (ggml's reference
 * quantizers, byte for byte) and Q4_K and Q6_K ({@link KQuantizer}). A row's length must fill whole blocks of the
 * type.
 */
public final class RowEncoder {

    private RowEncoder() {}

    /** Whether {@link #encodeRow} writes {@code type}. */
    public static boolean writes(GgmlType type) {
        return switch (type) {
            case F32, F16, Q8_0, Q5_0, Q4_K, Q6_K -> true;
            default -> false;
        };
    }

    /**
     * Encodes {@code row[0 .. cols)} as {@code type} into {@code out[at ..]}; returns the bytes written.
     *
     * @throws IllegalArgumentException when the type is not written here, or {@code cols} does not fill its blocks
     */
    public static int encodeRow(GgmlType type, float[] row, int cols, byte[] out, int at) {
        long bytes = type.bytesFor(cols);
        if (!writes(type)) {
            throw new IllegalArgumentException(
                    "type " + type + ": the encoder writes F32, F16, Q8_0, Q5_0, Q4_K, Q6_K");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException(
                    "cols " + cols + " is not a multiple of " + type + "'s block of " + type.blockSize());
        }
        switch (type) {
            case F32 -> {
                ByteBuffer b = ByteBuffer.wrap(out, at, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < cols; i++) {
                    b.putFloat(row[i]);
                }
            }
            case F16 -> {
                ByteBuffer b = ByteBuffer.wrap(out, at, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < cols; i++) {
                    b.putShort(Float.floatToFloat16(row[i]));
                }
            }
            case Q8_0 -> {
                float[] part = cols == row.length ? row : java.util.Arrays.copyOf(row, cols);
                BertOnnxConverter.quantizeQ8_0(
                        part, ByteBuffer.wrap(out, at, (int) bytes).order(ByteOrder.LITTLE_ENDIAN));
            }
            case Q5_0 -> {
                for (int b = 0; b < cols / 32; b++) {
                    quantizeQ5_0(row, b * 32, out, at + b * 22);
                }
            }
            case Q4_K -> {
                for (int b = 0; b < cols / KQuantizer.QK_K; b++) {
                    KQuantizer.quantizeQ4K(row, b * KQuantizer.QK_K, out, at + b * KQuantizer.Q4_K_BYTES);
                }
            }
            default -> {
                for (int b = 0; b < cols / KQuantizer.QK_K; b++) {
                    KQuantizer.quantizeQ6K(row, b * KQuantizer.QK_K, out, at + b * KQuantizer.Q6_K_BYTES);
                }
            }
        }
        return (int) bytes;
    }

    /**
     * Encodes a matrix of {@code values.length / cols} rows as {@code type}.
     *
     * @throws IllegalArgumentException as {@link #encodeRow}, or when the values do not fill whole rows
     */
    public static byte[] encode(GgmlType type, float[] values, int cols) {
        if (cols <= 0 || values.length % cols != 0) {
            throw new IllegalArgumentException(values.length + " values do not fill rows of " + cols);
        }
        int rows = values.length / cols;
        long rowBytes = type.bytesFor(cols);
        if (rowBytes < 0 || rowBytes * rows > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(
                    "cols " + cols + " as " + type + ": not whole blocks, or over 2 GB in one tensor");
        }
        byte[] out = new byte[(int) (rowBytes * rows)];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(values, r * cols, row, 0, cols);
            encodeRow(type, row, cols, out, (int) (r * rowBytes));
        }
        return out;
    }

    /**
     * ggml's quantize_row_q5_0_ref for one block of 32: the element of largest magnitude maps to -16, quants offset
     * by 16 and truncated, the fifth bits gathered in a little-endian 32-bit {@code qh}.
     */
    static void quantizeQ5_0(float[] x, int from, byte[] out, int at) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[from + j];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -16f;
        float id = d != 0 ? 1f / d : 0f;
        short h = Float.floatToFloat16(d);
        out[at] = (byte) h;
        out[at + 1] = (byte) (h >> 8);
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int x0 = Math.min(31, (int) (x[from + j] * id + 16.5f));
            int x1 = Math.min(31, (int) (x[from + 16 + j] * id + 16.5f));
            out[at + 6 + j] = (byte) ((x0 & 0x0F) | ((x1 & 0x0F) << 4));
            qh |= ((x0 & 0x10) >>> 4) << j;
            qh |= ((x1 & 0x10) >>> 4) << (j + 16);
        }
        out[at + 2] = (byte) qh;
        out[at + 3] = (byte) (qh >>> 8);
        out[at + 4] = (byte) (qh >>> 16);
        out[at + 5] = (byte) (qh >>> 24);
    }
}
