package dev.abi.inference;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * A weight matrix of a GGUF file, read in place from its mapping: {@code rows} rows of {@code cols} elements (ggml's
 * {@code ne[1]} by {@code ne[0]}). {@link #matvec} computes {@code out[r] = row(r) . x} the way llama.cpp's CPU
 * backend does for the type, so that greedy decoding reproduces its tokens: quantized weights (Q8_0, Q4_0) take
 * their activations quantized to Q8_0 blocks, F16 weights take them rounded to F16, F32 weights take them as they
 * are. The integer inner products of the quantized types run on {@link InferenceKernels#dotBytes} (the Vector API
 * where it is available), which is exact, so every backend gives the same integers; large matrices spread their rows
 * over the cores. F32, F16 and BF16 rows are dotted on the Vector API in float lanes, as ggml's SIMD kernels do.
 */
public abstract sealed class WeightMatrix permits WeightMatrix.FloatRows, WeightMatrix.Quantized, WeightMatrix.KQuant {

    /** Matrices at least this large (rows times columns) spread their rows over the cores. */
    static final long PARALLEL_THRESHOLD = 1 << 18;

    /**
     * Multiply-adds below which {@link #matmulFloat} stays on the calling thread: a fork-join round trip costs more
     * than it saves on a short sentence's smaller products.
     */
    static final long GEMM_PARALLEL_THRESHOLD = 1 << 22;

    final ByteBuffer data;
    final int rows;
    final int cols;
    final InferenceKernels ops;
    final RowExecutor executor;

    WeightMatrix(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.ops = ops;
        this.executor = executor;
    }

    /**
     * Sets how many threads the default executor has (models built afterwards without an executor of their own use
     * it); the system property {@value RowExecutor#THREADS_PROPERTY} sets it at start.
     */
    public static void useThreads(int threads) {
        RowExecutor.resetDefault(Math.max(1, threads));
    }

    /** As {@link #forRows}, but parallel whenever the executor has more than one thread (batched work is large). */
    final void forRowsAlways(BiConsumer<Integer, Integer> body) {
        if (rows < 64) {
            body.accept(0, rows);
            return;
        }
        executor.run(rows, 16, (from, to, worker) -> body.accept(from, to));
    }

    /** Calls {@code body(from, to)} over all rows: in parallel chunks for large matrices, else in one go. */
    final void forRows(BiConsumer<Integer, Integer> body) {
        if ((long) rows * cols < PARALLEL_THRESHOLD || rows < 64) {
            body.accept(0, rows);
            return;
        }
        executor.run(rows, 16, (from, to, worker) -> body.accept(from, to));
    }

    /**
     * Wraps mapped tensor data.
     *
     * @throws UnsupportedModelException when the type has no kernels in this release
     */
    public static WeightMatrix of(GgufTensorInfo info, ByteBuffer data) {
        return of(info, data, InferenceKernelsProvider.get());
    }

    /** As {@link #of(GgufTensorInfo, ByteBuffer)}, with the kernels of {@code ops} (tests compare backends). */
    public static WeightMatrix of(GgufTensorInfo info, ByteBuffer data, InferenceKernels ops) {
        return of(info, data, ops, RowExecutor.defaultExecutor());
    }

    /** As {@link #of(GgufTensorInfo, ByteBuffer, InferenceKernels)}, its rows split over {@code executor}. */
    public static WeightMatrix of(GgufTensorInfo info, ByteBuffer data, InferenceKernels ops, RowExecutor executor) {
        return of(info, data, ops, executor, InferenceKernelsProvider.mapped(ops));
    }

    /**
     * As {@link #of(GgufTensorInfo, ByteBuffer, InferenceKernels, RowExecutor)}, Q8_0 and Q4_0 rows read in place by
     * {@code mapped}, or copied when it is null (tests compare the two paths).
     */
    static WeightMatrix of(
            GgufTensorInfo info, ByteBuffer data, InferenceKernels ops, RowExecutor executor, MappedRowKernels mapped) {
        int cols = info.rowLength();
        int rows = info.rows();
        return switch (info.type()) {
            case F32 -> new F32(data, rows, cols, ops, executor);
            case F16 -> new F16(data, rows, cols, ops, executor);
            case Q8_0 -> new Q8_0(data, rows, cols, ops, executor, mapped);
            case Q4_0 -> new Q4_0(data, rows, cols, ops, executor, mapped);
            case Q4_1, Q5_0, Q5_1 -> new Unpacked(data, rows, cols, ops, executor, info.type());
            case BF16 -> new BF16(data, rows, cols, ops, executor);
            case Q4_K, Q5_K, Q6_K -> new KQuant(data, rows, cols, ops, executor, info.type());
            default ->
                throw new UnsupportedModelException(
                        "tensor '" + info.name() + "' is " + info.type()
                                + ", which this release cannot compute with yet (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K and Q6_K are built)");
        };
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** {@code out[r] = row(r) . x} for every row. */
    public void matvec(float[] x, float[] out) {
        matvec(newInput().set(x), out);
    }

    /** The form this matrix's kernel takes its input in. */
    abstract MatrixInput.Form inputForm();

    /** A fresh input holder of this matrix's form and length, with scratch for each of its executor's threads. */
    MatrixInput newInput() {
        return new MatrixInput(inputForm(), cols, executor.threads());
    }

    /**
     * {@code out[r] = row(r) . x} for every row, {@code x} given as {@code in} (which {@link MatrixInput#fits} this
     * matrix): rows split over the executor for large matrices, nothing allocated.
     */
    void matvec(MatrixInput in, float[] out) {
        if (!in.fits(this)) {
            throw new IllegalArgumentException("input of form " + in.form + " and length " + in.cols
                    + " for a matrix taking " + inputForm() + " of " + cols);
        }
        in.aim(this, out);
        if ((long) rows * cols < PARALLEL_THRESHOLD || rows < 64) {
            matvecRows(in, out, 0, rows, 0);
        } else {
            executor.run(rows, 16, in);
        }
        in.aim(null, null);
    }

    /** Rows {@code from..to} of {@link #matvec(MatrixInput, float[])}, on executor thread {@code worker}. */
    abstract void matvecRows(MatrixInput in, float[] out, int from, int to, int worker);

    /**
     * {@code outs[t][r] = row(r) . xs[t]} for the first {@code n} inputs: each weight row is read once for all of
     * them (prompt processing). Every product is computed exactly as {@link #matvec} computes it.
     */
    public void matmul(float[][] xs, int n, float[][] outs) {
        for (int t = 0; t < n; t++) {
            matvec(xs[t], outs[t]);
        }
    }

    /** Row {@code r}, dequantized to floats. */
    public abstract void row(int r, float[] out);

    /** Transposed float panels for {@link #matmulFloat}, built on its first call. */
    private volatile float[][] panels;

    /** Transposed Q8_0 panels for {@link #matmulFloat} (types that {@link #keepsQ8Panels}), built on its first call. */
    private volatile Q8Panels q8Panels;

    /**
     * Weight panels of {@link InferenceKernels#panelWidth()} rows in the layout of {@link InferenceKernels#gemmPanel},
     * kept as Q8_0 (a byte per weight, a scale per 32) and widened to floats one panel at a time as they are used.
     */
    record Q8Panels(byte[][] quants, float[][] scales) {}

    /**
     * The float panel that each thread widens Q8_0 panels into: one per thread, reused across calls and matrices
     * (it is written whole before each use), so that a call allocates nothing and the panel stays in cache while all
     * inputs pass over it.
     */
    private static final ThreadLocal<float[][]> WIDENED = ThreadLocal.withInitial(() -> new float[1][]);

    /**
     * {@code outs[t][r] = row(r) . xs[t]} for the first {@code n} inputs, in floats: the weights packed once, on the
     * first call, into transposed panels of {@link InferenceKernels#panelWidth()} rows kept on the heap, then
     * multiplied by the activations as they are (no activation quantization) with a register-tiled kernel. Q8_0
     * weights keep their bytes in the panels (about a quarter of the floats' memory, and as much less to read per
     * call, which is what a short input waits for) and are widened to the same floats panel by panel; other types
     * are packed as floats (4 bytes per weight). For batched encoders (BERT), where llama.cpp's bit-exact quantized
     * path is not needed and the heap copy of a small model is worth the speed.
     */
    public void matmulFloat(float[][] xs, int n, float[][] outs) {
        int w = ops.panelWidth();
        // inputs in groups of eight, transposed, go through the eight-input tile (one pass over a panel for eight
        // inputs); the rest (n % 8) through gemmPanel's tiles of four and one
        int eights = n / 8 * 8;
        float[] xt = eights > 0 ? transposeEights(xs, eights, cols) : null;
        int group = 8 * cols;
        BiConsumer<Integer, Integer> body;
        int count;
        if (keepsQ8Panels()) {
            Q8Panels q = packedQ8Panels();
            count = q.quants().length;
            body = (from, to) -> {
                float[][] holder = WIDENED.get();
                if (holder[0] == null || holder[0].length < cols * w) {
                    holder[0] = new float[cols * w];
                }
                float[] wide = holder[0];
                for (int b = from; b < to; b++) {
                    int r0 = b * w;
                    int panelRows = Math.min(w, rows - r0);
                    if (eights > 0) {
                        // the first group widens the panel as it goes: the bytes' read from memory overlaps the
                        // multiply-adds, and the later passes read the floats from cache
                        ops.gemmQ8Panel8(q.quants()[b], q.scales()[b], cols, wide, xt, 0, outs, 0, r0, panelRows);
                    } else {
                        ops.widenQ8Panel(q.quants()[b], q.scales()[b], cols, wide);
                    }
                    for (int t = 8; t < eights; t += 8) {
                        ops.gemmPanel8(wide, cols, xt, t / 8 * group, outs, t, r0, panelRows);
                    }
                    if (eights < n) {
                        ops.gemmPanel(wide, cols, xs, eights, n, outs, r0, panelRows);
                    }
                }
            };
        } else {
            float[][] packed = packedPanels();
            count = packed.length;
            body = (from, to) -> {
                for (int b = from; b < to; b++) {
                    int r0 = b * w;
                    int panelRows = Math.min(w, rows - r0);
                    for (int t = 0; t < eights; t += 8) {
                        ops.gemmPanel8(packed[b], cols, xt, t / 8 * group, outs, t, r0, panelRows);
                    }
                    if (eights < n) {
                        ops.gemmPanel(packed[b], cols, xs, eights, n, outs, r0, panelRows);
                    }
                }
            };
        }
        if (count < 2 || (long) n * rows * cols < GEMM_PARALLEL_THRESHOLD) {
            body.accept(0, count);
            return;
        }
        executor.run(count, 1, (from, to, worker) -> body.accept(from, to));
    }

    /**
     * The calling thread's scratch for {@link #transposeEights}: reused across calls (written before each use; the
     * executor's threads only read it while the caller waits), so a call allocates nothing once it has grown.
     */
    private static final ThreadLocal<float[][]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[1][]);

    /** The most floats {@link #TRANSPOSED} keeps per thread (1 MB); larger batches allocate their copy per call. */
    private static final int KEPT_TRANSPOSED = 1 << 18;

    /**
     * The first {@code n} (a multiple of 8) inputs in groups of eight, each group transposed ({@code [k][8]}), in
     * the layout of {@link InferenceKernels#gemmPanel8}: group {@code g}'s input {@code i} element {@code k} at
     * {@code g * 8 * cols + k * 8 + i}.
     */
    private static float[] transposeEights(float[][] xs, int n, int cols) {
        float[] xt;
        if (n * cols > KEPT_TRANSPOSED) {
            xt = new float[n * cols];
        } else {
            float[][] holder = TRANSPOSED.get();
            if (holder[0] == null || holder[0].length < n * cols) {
                holder[0] = new float[n * cols];
            }
            xt = holder[0];
        }
        for (int g = 0; g < n; g += 8) {
            int base = g * cols;
            for (int i = 0; i < 8; i++) {
                float[] x = xs[g + i];
                for (int k = 0, at = base + i; k < cols; k++, at += 8) {
                    xt[at] = x[k];
                }
            }
        }
        return xt;
    }

    /** Whether {@link #matmulFloat} keeps this matrix as {@link Q8Panels} (Q8_0) rather than float panels. */
    boolean keepsQ8Panels() {
        return false;
    }

    /** Panel {@code b}'s Q8_0 bytes and scales (types that {@link #keepsQ8Panels}). */
    void packQ8Panel(int b, int w, byte[] quants, float[] scales) {
        throw new UnsupportedOperationException(getClass().getSimpleName());
    }

    private Q8Panels packedQ8Panels() {
        Q8Panels p = q8Panels;
        if (p == null) {
            synchronized (this) {
                p = q8Panels;
                if (p == null) {
                    int w = ops.panelWidth();
                    int count = (rows + w - 1) / w;
                    byte[][] quants = new byte[count][];
                    float[][] scales = new float[count][];
                    executor.run(count, 1, (from, to, worker) -> {
                        for (int b = from; b < to; b++) {
                            quants[b] = new byte[cols * w];
                            scales[b] = new float[cols / 32 * w];
                            packQ8Panel(b, w, quants[b], scales[b]);
                        }
                    });
                    p = new Q8Panels(quants, scales);
                    q8Panels = p;
                }
            }
        }
        return p;
    }

    private float[][] packedPanels() {
        float[][] p = panels;
        if (p == null) {
            synchronized (this) {
                p = panels;
                if (p == null) {
                    int w = ops.panelWidth();
                    float[][] packed = new float[(rows + w - 1) / w][];
                    IntConsumer pack = b -> {
                        float[] row = new float[cols];
                        float[] panel = new float[cols * w];
                        for (int j = 0; j < w && b * w + j < rows; j++) {
                            row(b * w + j, row);
                            for (int k = 0, at = j; k < cols; k++, at += w) {
                                panel[at] = row[k];
                            }
                        }
                        packed[b] = panel;
                    };
                    // packing is the cold start's largest cost: spread it over the cores
                    executor.run(packed.length, 1, (from, to, worker) -> {
                        for (int b = from; b < to; b++) {
                            pack.accept(b);
                        }
                    });
                    panels = packed;
                    p = packed;
                }
            }
        }
        return p;
    }

    /**
     * Float-typed weights (F32, F16, BF16): each row widened to floats and dotted, in fixed lane order, with the
     * activations as the type's kernel in ggml sees them ({@link #asSeen}).
     */
    abstract static sealed class FloatRows extends WeightMatrix permits F32, F16, BF16 {
        FloatRows(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor) {
            super(data, rows, cols, ops, executor);
        }

        /** The activations as this type's dot product sees them (rounded to F16 or BF16, or as they are). */
        float[] asSeen(float[] x) {
            return newInput().set(x).seen;
        }

        @Override
        void matvecRows(MatrixInput in, float[] out, int from, int to, int worker) {
            float[] row = in.floats(worker, cols);
            float[] xs = in.seen;
            for (int r = from; r < to; r++) {
                row(r, row);
                out[r] = ops.dotOrdered(row, 0, xs, 0, cols);
            }
        }

        @Override
        public void matmul(float[][] xs, int n, float[][] outs) {
            float[][] seen = new float[n][];
            for (int t = 0; t < n; t++) {
                seen[t] = asSeen(xs[t]);
            }
            forRowsAlways((from, to) -> {
                float[] row = new float[cols];
                for (int r = from; r < to; r++) {
                    row(r, row);
                    for (int t = 0; t < n; t++) {
                        outs[t][r] = ops.dotOrdered(row, 0, seen[t], 0, cols);
                    }
                }
            });
        }
    }

    /** F32 weights: activations as they are. */
    static final class F32 extends FloatRows {
        /**
         * {@link #data} as floats, made once: a view made per row is an object per row and token wherever escape
         * analysis does not remove it. Its absolute bulk reads change no state, so threads may share it.
         */
        private final java.nio.FloatBuffer floats;

        F32(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor) {
            super(data, rows, cols, ops, executor);
            this.floats = data.asFloatBuffer();
        }

        @Override
        MatrixInput.Form inputForm() {
            return MatrixInput.Form.FLOAT;
        }

        @Override
        public void row(int r, float[] out) {
            floats.get(r * cols, out, 0, cols);
        }
    }

    /** F16 weights: activations rounded to F16, as ggml converts them. */
    static final class F16 extends FloatRows {
        F16(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor) {
            super(data, rows, cols, ops, executor);
        }

        @Override
        MatrixInput.Form inputForm() {
            return MatrixInput.Form.F16;
        }

        @Override
        public void row(int r, float[] out) {
            int base = r * cols * 2;
            for (int c = 0; c < cols; c++) {
                out[c] = Float16.toFloat(data.getShort(base + c * 2));
            }
        }
    }

    /** BF16 weights (the top half of an F32): activations rounded to BF16, as ggml does. */
    static final class BF16 extends FloatRows {
        BF16(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor) {
            super(data, rows, cols, ops, executor);
        }

        /** ggml's fp32-to-bf16 conversion: round to nearest even, NaN kept quiet. */
        static short round(float f) {
            int u = Float.floatToRawIntBits(f);
            if ((u & 0x7fffffff) > 0x7f800000) {
                return (short) ((u >>> 16) | 64);
            }
            return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
        }

        static float toFloat(short h) {
            return Float.intBitsToFloat((h & 0xFFFF) << 16);
        }

        @Override
        MatrixInput.Form inputForm() {
            return MatrixInput.Form.BF16;
        }

        @Override
        public void row(int r, float[] out) {
            int base = r * cols * 2;
            for (int c = 0; c < cols; c++) {
                out[c] = toFloat(data.getShort(base + c * 2));
            }
        }
    }

    /** Inputs {@code t..t+3}'s arrays as the four-input kernels take them ({@code InferenceKernels.dotQ8Row4}). */
    static final class FourInputs {
        final byte[][] quants = new byte[4][];
        final short[][] wide = new short[4][];
        final float[][] scales = new float[4][];
        final int[][] sums = new int[4][];

        FourInputs(Q8Activations[] a, int t) {
            for (int j = 0; j < 4; j++) {
                quants[j] = a[t + j].quants;
                wide[j] = a[t + j].wide;
                scales[j] = a[t + j].scales;
                sums[j] = a[t + j].sums;
            }
        }
    }

    /** Activations quantized to Q8_0 blocks of 32: a half-precision scale and 32 signed bytes per block. */
    static final class Q8Activations {
        final float[] scales;
        final byte[] quants;
        /** {@link #quants} widened to shorts once, so that kernels do not widen them again for every row. */
        final short[] wide;
        /**
         * Per block, the scale times the sum of the quants, rounded to half precision: the {@code s} of ggml's Q8_1
         * blocks, which the weight types with a minimum (Q4_1, Q5_1) need.
         */
        final float[] scaledSums;
        /** Per block, the plain sum of the quants (for kernels that offset the weights once per block). */
        final int[] sums;
        /** {@link #sums} as floats (exact: at most 32 * 127), so that a kernel need not convert them. */
        final float[] floatSums;

        Q8Activations(float[] x) {
            this(x.length);
            quantize(x);
        }

        /** Room for {@code cols} activations; {@link #quantize} fills it. */
        Q8Activations(int cols) {
            int blocks = cols / 32;
            scales = new float[blocks];
            sums = new int[blocks];
            floatSums = new float[blocks];
            scaledSums = new float[blocks];
            quants = new byte[cols];
            wide = new short[cols];
        }

        /** Quantizes the first {@code quants.length} elements of {@code x}, overwriting what was held. */
        void quantize(float[] x) {
            int blocks = scales.length;
            for (int b = 0; b < blocks; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[b * 32 + j]));
                }
                // as ggml's x86 quantize_row_q8_0: id = 127 / amax, round half to even
                float id = amax != 0 ? 127f / amax : 0f;
                scales[b] = Float16.round(amax / 127f);
                int sum = 0;
                for (int j = 0; j < 32; j++) {
                    quants[b * 32 + j] = (byte) Math.rint(x[b * 32 + j] * id);
                    wide[b * 32 + j] = quants[b * 32 + j];
                    sum += quants[b * 32 + j];
                }
                scaledSums[b] = Float16.round(amax / 127f * sum);
                sums[b] = sum;
                floatSums[b] = sum;
            }
        }
    }

    /**
     * Quantized weights (Q8_0, Q4_0): each row is read once from the mapping into a scratch array and dotted with
     * activations quantized to Q8_0, one row kernel per type.
     */
    abstract static sealed class Quantized extends WeightMatrix permits Q8_0, Q4_0, Unpacked {
        /** In-place row kernels, or null where rows are copied (see {@link MappedRowKernels}). */
        final MappedRowKernels mapped;
        /** {@link #data} as {@link #mapped} takes it. */
        final Object segment;

        Quantized(
                ByteBuffer data,
                int rows,
                int cols,
                InferenceKernels ops,
                RowExecutor executor,
                MappedRowKernels mapped) {
            super(data, rows, cols, ops, executor);
            this.mapped = mapped;
            this.segment = mapped != null ? mapped.wrap(data) : null;
        }

        /**
         * The row at byte {@code offset} dotted with {@code a} by {@link #mapped} (which is not null), or NaN when
         * the type has no in-place kernel.
         */
        float mappedRowDot(long offset, int blocks, Q8Activations a) {
            return Float.NaN;
        }

        /** Two rows of {@link #mappedRowDot} into {@code out[r]} and {@code out[r + 1]}. */
        void mappedRowDots2(long offset0, long offset1, int blocks, Q8Activations a, float[] out, int r) {
            out[r] = mappedRowDot(offset0, blocks, a);
            out[r + 1] = mappedRowDot(offset1, blocks, a);
        }

        /** Whether this type reads its rows in place. */
        boolean readsInPlace() {
            return false;
        }

        /** Bytes per block of 32 elements. */
        abstract int blockBytes();

        /** The row's dot product with {@code a}; {@code scratch} is {@link #scratch}'s array, reused across rows. */
        abstract float rowDot(byte[] row, int blocks, Q8Activations a, byte[] scratch);

        /**
         * Four inputs at once into {@code out[0..3]}, each exactly as {@link #rowDot} computes it; types with a
         * four-input kernel override this.
         */
        void rowDot4(byte[] row, int blocks, Q8Activations[] a, int t, FourInputs f, byte[] scratch, float[] out) {
            for (int j = 0; j < 4; j++) {
                out[j] = rowDot(row, blocks, a[t + j], scratch);
            }
        }

        /** Bytes of per-thread working space per block that {@link #rowDot} needs (0: none). */
        int scratchBytes() {
            return 0;
        }

        /** Per-thread working space for {@link #rowDot}, or null when the type needs none. */
        final byte[] scratch(int blocks) {
            return scratchBytes() == 0 ? null : new byte[blocks * scratchBytes()];
        }

        @Override
        MatrixInput.Form inputForm() {
            return MatrixInput.Form.Q8_0;
        }

        @Override
        void matvecRows(MatrixInput in, float[] out, int from, int to, int worker) {
            Q8Activations a = in.q8;
            int blocks = cols / 32;
            int rowBytes = blocks * blockBytes();
            if (readsInPlace()) {
                int r = from;
                for (; r + 1 < to; r += 2) {
                    mappedRowDots2((long) r * rowBytes, (long) (r + 1) * rowBytes, blocks, a, out, r);
                }
                for (; r < to; r++) {
                    out[r] = mappedRowDot((long) r * rowBytes, blocks, a);
                }
                return;
            }
            byte[] row = in.bytes(worker, rowBytes);
            byte[] scratch = scratchBytes() == 0 ? null : in.moreBytes(worker, scratchBytes() * blocks);
            for (int r = from; r < to; r++) {
                data.get(r * rowBytes, row, 0, rowBytes);
                out[r] = rowDot(row, blocks, a, scratch);
            }
        }

        /**
         * Unpacks the row in {@code row} into a panel of {@link InferenceKernels#dotPanel}: its integer quants as floats from
         * {@code panel[po]}, its block scales from {@code scales[so]}; false when the type has no panel form.
         */
        boolean unpack(byte[] row, int blocks, float[] panel, int po, float[] scales, int so) {
            return false;
        }

        /** Whether the type has a panel form ({@link #unpack}). */
        boolean hasPanel() {
            return false;
        }

        /** Whether {@link #unpack} gives Q4_0's unsigned nibbles (the -8 left to the kernel). */
        boolean panelQ4() {
            return false;
        }

        @Override
        public void matmul(float[][] xs, int n, float[][] outs) {
            Q8Activations[] a = new Q8Activations[n];
            for (int t = 0; t < n; t++) {
                a[t] = new Q8Activations(xs[t]);
            }
            if (tiledPrefill && n >= 4 && hasPanel() && ops.tiledPrefill()) {
                matmulTiled(a, n, outs);
                return;
            }
            int blocks = cols / 32;
            int rowBytes = blocks * blockBytes();
            // gathered once per product: built in rowDot4, the kernels' arrays of four were allocated for every row
            FourInputs[] fours = new FourInputs[n / 4];
            for (int g = 0; g < fours.length; g++) {
                fours[g] = new FourInputs(a, 4 * g);
            }
            forRowsAlways((from, to) -> {
                byte[] row = new byte[rowBytes];
                byte[] scratch = scratch(blocks);
                float[] four = new float[4];
                for (int r = from; r < to; r++) {
                    data.get(r * rowBytes, row);
                    int t = 0;
                    for (; t + 3 < n; t += 4) {
                        rowDot4(row, blocks, a, t, fours[t / 4], scratch, four);
                        for (int j = 0; j < 4; j++) {
                            outs[t + j][r] = four[j];
                        }
                    }
                    for (; t < n; t++) {
                        outs[t][r] = rowDot(row, blocks, a[t], scratch);
                    }
                }
            });
        }
    }

    /**
     * The tiled prompt product: each thread unpacks a panel of {@link #PANEL_ROWS} weight rows once (integer quants as
     * floats, scales to floats, into its own scratch) and applies it to all {@code n} inputs with
     * {@link InferenceKernels#dotPanel}, so each weight byte is unpacked once per prompt rather than once per four
     * tokens. Every output is bit for bit what {@link #matvec} gives.
     */
    final void matmulTiled(Q8Activations[] a, int n, float[][] outs) {
        Quantized q = (Quantized) this;
        int blocks = cols / 32;
        int rowBytes = blocks * q.blockBytes();
        boolean q4 = q.panelQ4();
        float[][] wide = new float[n][];
        float[][] scales = new float[n][];
        int[][] sums = new int[n][];
        for (int t = 0; t < n; t++) {
            float[] f = new float[cols];
            for (int i = 0; i < cols; i++) {
                f[i] = a[t].quants[i];
            }
            wide[t] = f;
            scales[t] = a[t].scales;
            sums[t] = a[t].sums;
        }
        int threads = executor.threads();
        byte[][] rowScratch = new byte[threads][];
        float[][] panelScratch = new float[threads][];
        float[][] scaleScratch = new float[threads][];
        executor.run(rows, PANEL_ROWS, (from, to, worker) -> {
            if (panelScratch[worker] == null) {
                rowScratch[worker] = new byte[rowBytes];
                panelScratch[worker] = new float[PANEL_ROWS * cols];
                scaleScratch[worker] = new float[PANEL_ROWS * blocks];
            }
            byte[] row = rowScratch[worker];
            float[] panel = panelScratch[worker];
            float[] panelScales = scaleScratch[worker];
            for (int r = from; r < to; r += PANEL_ROWS) {
                int count = Math.min(PANEL_ROWS, to - r);
                for (int j = 0; j < count; j++) {
                    data.get((r + j) * rowBytes, row, 0, rowBytes);
                    q.unpack(row, blocks, panel, j * cols, panelScales, j * blocks);
                }
                ops.dotPanel(panel, panelScales, count, blocks, q4, wide, scales, sums, 0, n, outs, r);
            }
        });
    }

    /** Weight rows per panel of the tiled prompt product. */
    static final int PANEL_ROWS = 16;

    /**
     * System property: {@code true} turns the tiled prompt product on (else prefill runs the four-token row kernel).
     * Off by default: measured side by side with llama.cpp at a 512-token prompt it was level with the four-token
     * path (within this shared machine's noise), not faster; see docs/benchmarks/inference.md.
     */
    public static final String TILED_PROPERTY = "abi.inference.tiledPrefill";

    private static volatile boolean tiledPrefill = Boolean.parseBoolean(System.getProperty(TILED_PROPERTY, "false"));

    /** Whether the tiled prompt product is on. */
    static boolean tiledPrefillOn() {
        return tiledPrefill;
    }

    /** Turns the tiled prompt product on or off (benchmarks compare both in one JVM); outputs are the same. */
    public static void useTiledPrefill(boolean on) {
        tiledPrefill = on;
    }

    /** The generation row kernels of Q8_0 and Q4_0 matrices (benchmarks compare them in one JVM; same bits). */
    public enum RowKernels {
        /** {@link InferenceKernels#dotQ8Row} and {@link InferenceKernels#dotQ4Row}: the kernels before issue 22's. */
        PLAIN,
        /** {@link InferenceKernels#dotQ8RowLean} and {@link InferenceKernels#dotQ4RowLean} (the default). */
        LEAN
    }

    /** System property naming the {@link RowKernels} to use: {@code lean} (the default) or {@code plain}. */
    public static final String ROW_KERNELS_PROPERTY = "abi.inference.rowKernels";

    private static volatile RowKernels rowKernels =
            RowKernels.valueOf(System.getProperty(ROW_KERNELS_PROPERTY, "lean").toUpperCase(java.util.Locale.ROOT));

    /** Chooses the generation row kernels; every choice gives the same bits. */
    public static void useRowKernels(RowKernels kernels) {
        rowKernels = java.util.Objects.requireNonNull(kernels, "kernels");
    }

    /** The generation row kernels in use. */
    public static RowKernels rowKernels() {
        return rowKernels;
    }

    /** Q8_0 weights: blocks of a half-precision scale and 32 signed bytes; Q8_0 activations. */
    static final class Q8_0 extends Quantized {
        Q8_0(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor, MappedRowKernels mapped) {
            super(data, rows, cols, ops, executor, mapped);
        }

        @Override
        int blockBytes() {
            return 34;
        }

        @Override
        float rowDot(byte[] row, int blocks, Q8Activations a, byte[] scratch) {
            if (rowKernels == RowKernels.LEAN) {
                return ops.dotQ8RowLean(row, blocks, a.wide, a.scales);
            }
            return ops.dotQ8Row(row, blocks, a.quants, a.wide, a.scales);
        }

        @Override
        boolean unpack(byte[] row, int blocks, float[] panel, int po, float[] scales, int so) {
            for (int b = 0; b < blocks; b++) {
                int at = b * 34;
                scales[so + b] = Float.float16ToFloat((short) ((row[at] & 0xFF) | (row[at + 1] << 8)));
                for (int j = 0; j < 32; j++) {
                    panel[po + b * 32 + j] = row[at + 2 + j];
                }
            }
            return true;
        }

        @Override
        boolean hasPanel() {
            return true;
        }

        @Override
        boolean readsInPlace() {
            return mapped != null;
        }

        @Override
        float mappedRowDot(long offset, int blocks, Q8Activations a) {
            return mapped.dotQ8Row(segment, offset, blocks, a.wide, a.scales);
        }

        @Override
        void mappedRowDots2(long offset0, long offset1, int blocks, Q8Activations a, float[] out, int r) {
            mapped.dotQ8Rows2(segment, offset0, offset1, blocks, a.wide, a.scales, out, r);
        }

        @Override
        void rowDot4(byte[] row, int blocks, Q8Activations[] a, int t, FourInputs f, byte[] scratch, float[] out) {
            ops.dotQ8Row4(row, blocks, f.quants, f.wide, f.scales, out);
        }

        @Override
        boolean keepsQ8Panels() {
            return true;
        }

        @Override
        void packQ8Panel(int b, int w, byte[] quants, float[] scales) {
            int blocks = cols / 32;
            for (int j = 0; j < w && b * w + j < rows; j++) {
                int r = b * w + j;
                for (int kb = 0; kb < blocks; kb++) {
                    int at = (r * blocks + kb) * 34;
                    scales[kb * w + j] = Float16.toFloat(data.getShort(at));
                    for (int kk = 0, to = (kb * 32) * w + j; kk < 32; kk++, to += w) {
                        quants[to] = data.get(at + 2 + kk);
                    }
                }
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
    static final class Q4_0 extends Quantized {
        Q4_0(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor, MappedRowKernels mapped) {
            super(data, rows, cols, ops, executor, mapped);
        }

        @Override
        int blockBytes() {
            return 18;
        }

        @Override
        float rowDot(byte[] row, int blocks, Q8Activations a, byte[] scratch) {
            if (rowKernels == RowKernels.LEAN) {
                return ops.dotQ4RowLean(row, blocks, a.wide, a.scales, a.floatSums);
            }
            return ops.dotQ4Row(row, blocks, a.quants, a.wide, a.scales, a.sums);
        }

        @Override
        boolean unpack(byte[] row, int blocks, float[] panel, int po, float[] scales, int so) {
            for (int b = 0; b < blocks; b++) {
                int at = b * 18;
                scales[so + b] = Float.float16ToFloat((short) ((row[at] & 0xFF) | (row[at + 1] << 8)));
                for (int j = 0; j < 16; j++) {
                    int q = row[at + 2 + j] & 0xFF;
                    panel[po + b * 32 + j] = q & 0x0F;
                    panel[po + b * 32 + j + 16] = q >>> 4;
                }
            }
            return true;
        }

        @Override
        boolean hasPanel() {
            return true;
        }

        @Override
        boolean panelQ4() {
            return true;
        }

        @Override
        boolean readsInPlace() {
            return mapped != null;
        }

        @Override
        float mappedRowDot(long offset, int blocks, Q8Activations a) {
            return mapped.dotQ4Row(segment, offset, blocks, a.wide, a.scales, a.sums);
        }

        @Override
        void mappedRowDots2(long offset0, long offset1, int blocks, Q8Activations a, float[] out, int r) {
            mapped.dotQ4Rows2(segment, offset0, offset1, blocks, a.wide, a.scales, a.sums, out, r);
        }

        @Override
        void rowDot4(byte[] row, int blocks, Q8Activations[] a, int t, FourInputs f, byte[] scratch, float[] out) {
            ops.dotQ4Row4(row, blocks, f.quants, f.wide, f.scales, f.sums, out);
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

    /**
     * Q4_1, Q5_0 and Q5_1 weights (blocks of 32 with a half-precision scale {@code d}, for Q4_1 and Q5_1 a
     * half-precision minimum {@code m}, for Q5_x 32 high bits {@code qh}, and 16 bytes of low nibbles; element j is
     * the low nibble of byte j, element j + 16 the high nibble). Each row's blocks are unpacked to their integer
     * quants in a Q8_0-shaped scratch row, so the exact Vector-API Q8_0 kernel does the products; the minimum adds
     * {@code m} times the activation block's scaled sum, as ggml's Q8_1 path does.
     */
    static final class Unpacked extends Quantized {
        private final GgmlType type;
        private final boolean hasMin;

        Unpacked(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor, GgmlType type) {
            super(data, rows, cols, ops, executor, null);
            this.type = type;
            this.hasMin = type != GgmlType.Q5_0;
        }

        @Override
        int blockBytes() {
            return type.typeSize();
        }

        @Override
        int scratchBytes() {
            return 34;
        }

        @Override
        float rowDot(byte[] row, int blocks, Q8Activations a, byte[] scratch) {
            float minTerm = 0;
            int size = type.typeSize();
            for (int b = 0; b < blocks; b++) {
                int at = b * size;
                scratch[b * 34] = row[at];
                scratch[b * 34 + 1] = row[at + 1];
                unpack(type, row, at, scratch, b * 34 + 2);
                if (hasMin) {
                    minTerm += half(row, at + 2) * a.scaledSums[b];
                }
            }
            return ops.dotQ8Row(scratch, blocks, a.quants, a.wide, a.scales) + minTerm;
        }

        private static float half(byte[] b, int at) {
            return Float16.toFloat((short) ((b[at] & 0xFF) | (b[at + 1] << 8)));
        }

        /** The 32 integer quants of the block at {@code at} (Q5_0's already offset by -16), into {@code out}. */
        static void unpack(GgmlType type, byte[] b, int at, byte[] out, int o) {
            switch (type) {
                case Q4_1 -> {
                    for (int j = 0; j < 16; j++) {
                        int q = b[at + 4 + j] & 0xFF;
                        out[o + j] = (byte) (q & 0xF);
                        out[o + j + 16] = (byte) (q >>> 4);
                    }
                }
                case Q5_0, Q5_1 -> {
                    int h = type == GgmlType.Q5_0 ? at + 2 : at + 4;
                    int qh = (b[h] & 0xFF) | (b[h + 1] & 0xFF) << 8 | (b[h + 2] & 0xFF) << 16 | (b[h + 3] & 0xFF) << 24;
                    int bias = type == GgmlType.Q5_0 ? 16 : 0;
                    for (int j = 0; j < 16; j++) {
                        int q = b[h + 4 + j] & 0xFF;
                        int hi0 = ((qh >>> j) << 4) & 0x10;
                        int hi1 = (qh >>> (j + 12)) & 0x10;
                        out[o + j] = (byte) (((q & 0xF) | hi0) - bias);
                        out[o + j + 16] = (byte) (((q >>> 4) | hi1) - bias);
                    }
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }

        @Override
        public void row(int r, float[] out) {
            int blocks = cols / 32;
            int size = type.typeSize();
            byte[] block = new byte[size];
            byte[] q = new byte[32];
            for (int b = 0; b < blocks; b++) {
                data.get((r * blocks + b) * size, block);
                float d = half(block, 0);
                float m = hasMin ? half(block, 2) : 0f;
                unpack(type, block, 0, q, 0);
                for (int j = 0; j < 32; j++) {
                    out[b * 32 + j] = q[j] * d + m;
                }
            }
        }
    }

    /**
     * Activations quantized to Q8_K super-blocks of 256, as ggml's quantize_row_q8_K: a float scale per block (the
     * element of largest magnitude maps to -127), signed byte quants, and the quants' sums per 16 elements.
     */
    static final class Q8KActivations {
        final float[] scales;
        final byte[] quants;
        final int[] sums16;

        Q8KActivations(float[] x) {
            this(x.length);
            quantize(x);
        }

        Q8KActivations(int cols) {
            scales = new float[cols / 256];
            quants = new byte[cols];
            sums16 = new int[cols / 16];
        }

        /** Quantizes the first {@code quants.length} elements of {@code x}, overwriting what was held. */
        void quantize(float[] x) {
            int blocks = scales.length;
            for (int b = 0; b < blocks; b++) {
                int o = b * 256;
                float amax = 0;
                float max = 0;
                for (int j = 0; j < 256; j++) {
                    float ax = Math.abs(x[o + j]);
                    if (ax > amax) {
                        amax = ax;
                        max = x[o + j];
                    }
                }
                if (amax == 0) {
                    java.util.Arrays.fill(quants, o, o + 256, (byte) 0);
                    java.util.Arrays.fill(sums16, b * 16, b * 16 + 16, 0);
                    scales[b] = 0;
                    continue;
                }
                float iscale = -127f / max;
                for (int j = 0; j < 256; j++) {
                    int v = (int) Math.rint(iscale * x[o + j]);
                    quants[o + j] = (byte) Math.min(127, v);
                }
                for (int j = 0; j < 16; j++) {
                    int sum = 0;
                    for (int i = 0; i < 16; i++) {
                        sum += quants[o + 16 * j + i];
                    }
                    sums16[b * 16 + j] = sum;
                }
                scales[b] = 1f / iscale;
            }
        }
    }

    /**
     * K-quant weights (Q4_K, Q5_K, Q6_K: super-blocks of 256 with 6-bit or 8-bit sub-block scales), in ggml's
     * layouts. As llama.cpp does, the activations are quantized to Q8_K, and every sub-block product is an exact
     * integer dot scaled by its integer sub-block scale; the minimums of Q4_K and Q5_K use the activation sums. Each
     * row is copied into the worker's scratch and handed to a row kernel ({@link InferenceKernels#dotQ4KRow},
     * {@link InferenceKernels#dotQ5KRow}, {@link InferenceKernels#dotQ6KRow}), which unpacks in vector registers
     * and sums exact integers in lanes. Checked against hand-built blocks, against the dequantized rows, and against
     * llama.cpp on a file of our own quantizer ({@code KQuantCheck}).
     */
    static final class KQuant extends WeightMatrix {
        private final GgmlType type;

        KQuant(ByteBuffer data, int rows, int cols, InferenceKernels ops, RowExecutor executor, GgmlType type) {
            super(data, rows, cols, ops, executor);
            this.type = type;
        }

        @Override
        MatrixInput.Form inputForm() {
            return MatrixInput.Form.Q8_K;
        }

        @Override
        void matvecRows(MatrixInput in, float[] out, int from, int to, int worker) {
            Q8KActivations a = in.q8k;
            int blocks = cols / 256;
            int rowBytes = blocks * type.typeSize();
            // the row copied into the worker's scratch (as the other quantized types do), then one kernel call
            byte[] row = in.bytes(worker, rowBytes);
            for (int r = from; r < to; r++) {
                data.get(r * rowBytes, row, 0, rowBytes);
                out[r] = switch (type) {
                    case Q4_K -> ops.dotQ4KRow(row, blocks, a.quants, in.q8kWide, a.scales, a.sums16);
                    case Q5_K -> ops.dotQ5KRow(row, blocks, a.quants, in.q8kWide, a.scales, a.sums16);
                    default -> ops.dotQ6KRow(row, blocks, a.quants, in.q8kWide, a.scales);
                };
            }
        }

        /**
         * Prompt processing: the inputs one after another through {@link #matvec(MatrixInput, float[])}, as the
         * default does, but with one input holder for all of them (the default makes one per input, Q8_K arrays and
         * row scratch included). Not batched: a version that read each row once per 8 inputs (the row kernel called
         * for each) was measured no faster, alternated with this one at load 3 to 5 (prompt 23.9 and 29.0 tok/s
         * against 29.2 and 29.7), so the prompt is bound by the kernels' arithmetic, not by reading the weights.
         */
        @Override
        public void matmul(float[][] xs, int n, float[][] outs) {
            MatrixInput in = newInput();
            for (int t = 0; t < n; t++) {
                matvec(in.set(xs[t]), outs[t]);
            }
        }

        @Override
        public void row(int r, float[] out) {
            int blocks = cols / 256;
            int size = type.typeSize();
            byte[] b = new byte[size];
            for (int k = 0; k < blocks; k++) {
                data.get((r * blocks + k) * size, b);
                switch (type) {
                    case Q4_K -> q4k(b, out, k * 256);
                    case Q5_K -> q5k(b, out, k * 256);
                    default -> q6k(b, out, k * 256);
                }
            }
        }

        private static float half(byte[] b, int at) {
            return Float16.toFloat((short) ((b[at] & 0xFF) | (b[at + 1] << 8)));
        }

        /** {@code d, dmin (halves), scales[12], qs[128]}. */
        static void q4k(byte[] b, float[] y, int o) {
            float d = half(b, 0);
            float min = half(b, 2);
            int qs = 16;
            int is = 0;
            for (int j = 0; j < 256; j += 64) {
                float d1 = d * KQuantBlock.scale(b, 4, is);
                float m1 = min * KQuantBlock.min(b, 4, is);
                float d2 = d * KQuantBlock.scale(b, 4, is + 1);
                float m2 = min * KQuantBlock.min(b, 4, is + 1);
                for (int l = 0; l < 32; l++) {
                    int q = b[qs + l] & 0xFF;
                    y[o + j + l] = d1 * (q & 0xF) - m1;
                    y[o + j + 32 + l] = d2 * (q >>> 4) - m2;
                }
                qs += 32;
                is += 2;
            }
        }

        /** {@code d, dmin (halves), scales[12], qh[32], qs[128]}. */
        static void q5k(byte[] b, float[] y, int o) {
            float d = half(b, 0);
            float min = half(b, 2);
            int qh = 16;
            int ql = 48;
            int is = 0;
            int u1 = 1;
            int u2 = 2;
            for (int j = 0; j < 256; j += 64) {
                float d1 = d * KQuantBlock.scale(b, 4, is);
                float m1 = min * KQuantBlock.min(b, 4, is);
                float d2 = d * KQuantBlock.scale(b, 4, is + 1);
                float m2 = min * KQuantBlock.min(b, 4, is + 1);
                for (int l = 0; l < 32; l++) {
                    int q = b[ql + l] & 0xFF;
                    int h = b[qh + l] & 0xFF;
                    y[o + j + l] = d1 * ((q & 0xF) + ((h & u1) != 0 ? 16 : 0)) - m1;
                    y[o + j + 32 + l] = d2 * ((q >>> 4) + ((h & u2) != 0 ? 16 : 0)) - m2;
                }
                ql += 32;
                is += 2;
                u1 <<= 2;
                u2 <<= 2;
            }
        }

        /** {@code ql[128], qh[64], scales[16] (signed), d (half)}. */
        static void q6k(byte[] b, float[] y, int o) {
            float d = half(b, 208);
            int ql = 0;
            int qh = 128;
            int sc = 192;
            for (int n = 0; n < 256; n += 128) {
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int h = b[qh + l] & 0xFF;
                    int q1 = ((b[ql + l] & 0xF) | ((h & 3) << 4)) - 32;
                    int q2 = ((b[ql + l + 32] & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                    int q3 = (((b[ql + l] & 0xFF) >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                    int q4 = (((b[ql + l + 32] & 0xFF) >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                    y[o + n + l] = d * b[sc + is] * q1;
                    y[o + n + l + 32] = d * b[sc + is + 2] * q2;
                    y[o + n + l + 64] = d * b[sc + is + 4] * q3;
                    y[o + n + l + 96] = d * b[sc + is + 6] * q4;
                }
                ql += 64;
                qh += 32;
                sc += 8;
            }
        }
    }
}
