package dev.abi.inference;

import java.nio.ByteBuffer;

/**
 * A weight matrix of a GGUF file, read in place from its mapping: {@code rows} rows of {@code cols} elements (ggml's
 * {@code ne[1]} by {@code ne[0]}). {@link #matvec} computes {@code out[r] = row(r) . x} the way llama.cpp's CPU
 * backend does for the type, so that greedy decoding reproduces its tokens: quantized weights (Q8_0, Q4_0) take
 * their activations quantized to Q8_0 blocks, F16 weights take them rounded to F16, F32 weights take them as they
 * are. This is the scalar reference; vectorized kernels must agree with it.
 */
public abstract sealed class WeightMatrix permits WeightMatrix.F32, WeightMatrix.F16, WeightMatrix.Q8_0,
        WeightMatrix.Q4_0 {

    final ByteBuffer data;
    final int rows;
    final int cols;

    WeightMatrix(ByteBuffer data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Wraps mapped tensor data.
     *
     * @throws UnsupportedModelException when the type has no kernels in this release
     */
    public static WeightMatrix of(GgufTensorInfo info, ByteBuffer data) {
        int cols = info.rowLength();
        int rows = info.rows();
        return switch (info.type()) {
            case F32 -> new F32(data, rows, cols);
            case F16 -> new F16(data, rows, cols);
            case Q8_0 -> new Q8_0(data, rows, cols);
            case Q4_0 -> new Q4_0(data, rows, cols);
            default -> throw new UnsupportedModelException("tensor '" + info.name() + "' is " + info.type()
                    + ", which this release cannot compute with yet (F32, F16, Q8_0 and Q4_0 are built)");
        };
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** {@code out[r] = row(r) . x} for every row. */
    public abstract void matvec(float[] x, float[] out);

    /** Row {@code r}, dequantized to floats. */
    public abstract void row(int r, float[] out);

    /** F32 weights: plain float dot products. */
    static final class F32 extends WeightMatrix {
        F32(ByteBuffer data, int rows, int cols) {
            super(data, rows, cols);
        }

        @Override
        public void matvec(float[] x, float[] out) {
            for (int r = 0; r < rows; r++) {
                int base = r * cols * 4;
                float sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += data.getFloat(base + c * 4) * x[c];
                }
                out[r] = sum;
            }
        }

        @Override
        public void row(int r, float[] out) {
            int base = r * cols * 4;
            for (int c = 0; c < cols; c++) {
                out[c] = data.getFloat(base + c * 4);
            }
        }
    }

    /** F16 weights: activations rounded to F16, products summed in float. */
    static final class F16 extends WeightMatrix {
        F16(ByteBuffer data, int rows, int cols) {
            super(data, rows, cols);
        }

        @Override
        public void matvec(float[] x, float[] out) {
            float[] xh = new float[cols];
            for (int c = 0; c < cols; c++) {
                xh[c] = Float16.round(x[c]);
            }
            for (int r = 0; r < rows; r++) {
                int base = r * cols * 2;
                float sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += Float16.toFloat(data.getShort(base + c * 2)) * xh[c];
                }
                out[r] = sum;
            }
        }

        @Override
        public void row(int r, float[] out) {
            int base = r * cols * 2;
            for (int c = 0; c < cols; c++) {
                out[c] = Float16.toFloat(data.getShort(base + c * 2));
            }
        }
    }

    /** Activations quantized to Q8_0 blocks of 32: a half-precision scale and 32 signed bytes per block. */
    static final class Q8Activations {
        final float[] scales;
        final byte[] quants;

        Q8Activations(float[] x) {
            int blocks = x.length / 32;
            scales = new float[blocks];
            quants = new byte[x.length];
            for (int b = 0; b < blocks; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[b * 32 + j]));
                }
                // as ggml's x86 quantize_row_q8_0: id = 127 / amax, round half to even
                float id = amax != 0 ? 127f / amax : 0f;
                scales[b] = Float16.round(amax / 127f);
                for (int j = 0; j < 32; j++) {
                    quants[b * 32 + j] = (byte) Math.rint(x[b * 32 + j] * id);
                }
            }
        }
    }

    /** Q8_0 weights: blocks of a half-precision scale and 32 signed bytes; Q8_0 activations. */
    static final class Q8_0 extends WeightMatrix {
        Q8_0(ByteBuffer data, int rows, int cols) {
            super(data, rows, cols);
        }

        @Override
        public void matvec(float[] x, float[] out) {
            Q8Activations a = new Q8Activations(x);
            int blocks = cols / 32;
            for (int r = 0; r < rows; r++) {
                float sum = 0;
                for (int b = 0; b < blocks; b++) {
                    int at = (r * blocks + b) * 34;
                    float d = Float16.toFloat(data.getShort(at));
                    int sumi = 0;
                    for (int j = 0; j < 32; j++) {
                        sumi += data.get(at + 2 + j) * a.quants[b * 32 + j];
                    }
                    sum += sumi * (d * a.scales[b]);
                }
                out[r] = sum;
            }
        }

        @Override
        public void row(int r, float[] out) {
            int blocks = cols / 32;
            for (int b = 0; b < blocks; b++) {
                int at = (r * blocks + b) * 34;
                float d = Float16.toFloat(data.getShort(at));
                for (int j = 0; j < 32; j++) {
                    out[b * 32 + j] = data.get(at + 2 + j) * d;
                }
            }
        }
    }

    /**
     * Q4_0 weights: blocks of a half-precision scale and 16 bytes; element j is the low nibble of byte j minus 8,
     * element j + 16 the high nibble minus 8. Q8_0 activations.
     */
    static final class Q4_0 extends WeightMatrix {
        Q4_0(ByteBuffer data, int rows, int cols) {
            super(data, rows, cols);
        }

        @Override
        public void matvec(float[] x, float[] out) {
            Q8Activations a = new Q8Activations(x);
            int blocks = cols / 32;
            for (int r = 0; r < rows; r++) {
                float sum = 0;
                for (int b = 0; b < blocks; b++) {
                    int at = (r * blocks + b) * 18;
                    float d = Float16.toFloat(data.getShort(at));
                    int sumi = 0;
                    for (int j = 0; j < 16; j++) {
                        int q = data.get(at + 2 + j) & 0xFF;
                        sumi += ((q & 0x0F) - 8) * a.quants[b * 32 + j] + ((q >>> 4) - 8) * a.quants[b * 32 + j + 16];
                    }
                    sum += sumi * (d * a.scales[b]);
                }
                out[r] = sum;
            }
        }

        @Override
        public void row(int r, float[] out) {
            int blocks = cols / 32;
            for (int b = 0; b < blocks; b++) {
                int at = (r * blocks + b) * 18;
                float d = Float16.toFloat(data.getShort(at));
                for (int j = 0; j < 16; j++) {
                    int q = data.get(at + 2 + j) & 0xFF;
                    out[b * 32 + j] = ((q & 0x0F) - 8) * d;
                    out[b * 32 + j + 16] = ((q >>> 4) - 8) * d;
                }
            }
        }
    }
}
