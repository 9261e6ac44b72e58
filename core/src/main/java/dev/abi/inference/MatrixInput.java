package dev.abi.inference;

/**
 * One input vector of {@link WeightMatrix#matvec(MatrixInput, float[])}, held in the form the weight type's kernel
 * takes it (as it is, rounded to F16 or BF16, quantized to Q8_0 or Q8_K blocks), so that matrices sharing an input
 * (q, k and v; gate and up) convert it once. A session keeps one per form and length and reuses it for every token,
 * with the per-thread scratch rows of the kernels: after the first token a product allocates nothing. It is also
 * the task the executor's threads run, pointed at the matrix and output of the call in progress. Not thread-safe
 * across calls: one session's.
 */
final class MatrixInput implements RowExecutor.RowTask {

    /** The forms kernels take their input in. */
    enum Form {
        FLOAT,
        F16,
        BF16,
        Q8_0,
        Q8_K
    }

    final Form form;
    final int cols;
    /** The input as a float kernel sees it (FLOAT, F16, BF16). */
    final float[] seen;
    /** The input quantized to Q8_0 blocks (Q8_0). */
    final WeightMatrix.Q8Activations q8;
    /** The input quantized to Q8_K super-blocks (Q8_K). */
    final WeightMatrix.Q8KActivations q8k;
    /** {@link #q8k}'s quants widened to shorts once per input (Q8_K), for the vector K-quant row kernels. */
    final short[] q8kWide;

    private final byte[][] bytes;
    private final byte[][] moreBytes;
    private final float[][] floats;

    private WeightMatrix target;
    private float[] out;

    MatrixInput(Form form, int cols, int workers) {
        this.form = form;
        this.cols = cols;
        this.seen = form == Form.FLOAT || form == Form.F16 || form == Form.BF16 ? new float[cols] : null;
        this.q8 = form == Form.Q8_0 ? new WeightMatrix.Q8Activations(cols) : null;
        this.q8k = form == Form.Q8_K ? new WeightMatrix.Q8KActivations(cols) : null;
        this.q8kWide = form == Form.Q8_K ? new short[cols] : null;
        this.bytes = new byte[workers][];
        this.moreBytes = new byte[workers][];
        this.floats = new float[workers][];
    }

    /** Sets the input to {@code x} (its first {@link #cols} elements), converted to this form. */
    MatrixInput set(float[] x) {
        switch (form) {
            case FLOAT -> System.arraycopy(x, 0, seen, 0, cols);
            case F16 -> {
                for (int c = 0; c < cols; c++) {
                    seen[c] = Float16.round(x[c]);
                }
            }
            case BF16 -> {
                for (int c = 0; c < cols; c++) {
                    seen[c] = WeightMatrix.BF16.toFloat(WeightMatrix.BF16.round(x[c]));
                }
            }
            case Q8_0 -> q8.quantize(x);
            case Q8_K -> {
                q8k.quantize(x);
                for (int c = 0; c < cols; c++) {
                    q8kWide[c] = q8k.quants[c];
                }
            }
            default -> throw new IllegalStateException(form.toString());
        }
        return this;
    }

    /** Whether {@code m} takes its input in this form and length. */
    boolean fits(WeightMatrix m) {
        return m.inputForm() == form && m.cols == cols;
    }

    /** Worker {@code w}'s byte scratch of at least {@code size} bytes (grown only the first time). */
    byte[] bytes(int w, int size) {
        byte[] b = bytes[w];
        if (b == null || b.length < size) {
            b = new byte[size];
            bytes[w] = b;
        }
        return b;
    }

    /** A second byte scratch of worker {@code w}. */
    byte[] moreBytes(int w, int size) {
        byte[] b = moreBytes[w];
        if (b == null || b.length < size) {
            b = new byte[size];
            moreBytes[w] = b;
        }
        return b;
    }

    /** Worker {@code w}'s float scratch of at least {@code size} floats. */
    float[] floats(int w, int size) {
        float[] f = floats[w];
        if (f == null || f.length < size) {
            f = new float[size];
            floats[w] = f;
        }
        return f;
    }

    /** Points the task at a call: the executor's threads then compute {@code out}'s rows of {@code m}. */
    void aim(WeightMatrix m, float[] out) {
        this.target = m;
        this.out = out;
    }

    @Override
    public void rows(int from, int to, int worker) {
        target.matvecRows(this, out, from, to, worker);
    }
}
