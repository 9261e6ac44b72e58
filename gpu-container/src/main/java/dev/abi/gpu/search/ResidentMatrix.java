package dev.abi.gpu.search;

import dev.abi.gpu.cuda.CudaApi;
import dev.abi.gpu.kernels.HostReference;
import dev.abi.gpu.kernels.Kernels;
import dev.abi.vector.Metric;
import java.util.Arrays;

/**
 * {@code n} rows of {@code dim} values kept in GPU memory as f32, f16 or int8 codes (with their per-dimension
 * offset and step), plus each row's inverse norm for cosine. Made and used on the GPU thread only.
 */
public final class ResidentMatrix {

    /** How the rows are stored on the device. */
    public enum Precision {
        F32,
        F16,
        I8
    }

    final int n;
    final int dim;
    final Metric metric;
    final Precision precision;
    final CudaApi.Buffer rows;
    final CudaApi.Buffer invNorms;
    final CudaApi.Buffer offset;
    final CudaApi.Buffer step;

    private ResidentMatrix(
            int n,
            int dim,
            Metric metric,
            Precision precision,
            CudaApi.Buffer rows,
            CudaApi.Buffer invNorms,
            CudaApi.Buffer offset,
            CudaApi.Buffer step) {
        this.n = n;
        this.dim = dim;
        this.metric = metric;
        this.precision = precision;
        this.rows = rows;
        this.invNorms = invNorms;
        this.offset = offset;
        this.step = step;
    }

    /** Rows as f32 or rounded to f16 on the host, then copied; inverse norms computed on the device. */
    public static ResidentMatrix upload(
            CudaApi api, GpuKernels k, float[] values, int n, int dim, Metric metric, Precision precision) {
        if (n <= 0 || dim <= 0 || (long) n * dim > values.length) {
            throw new IllegalArgumentException(n + " rows of " + dim + " from " + values.length + " values");
        }
        if (precision == Precision.I8) {
            throw new IllegalArgumentException("int8 rows need their quantizer: use uploadInt8");
        }
        long count = (long) n * dim;
        CudaApi.Buffer rows;
        if (precision == Precision.F32) {
            rows = api.alloc(4 * count);
            api.copyIn(rows, 0, values, 0, (int) count);
        } else {
            short[] half = HostReference.toHalf(values.length == count ? values : Arrays.copyOf(values, (int) count));
            rows = api.alloc(2 * count);
            api.copyIn(rows, 0, half, 0, (int) count);
        }
        CudaApi.Buffer inv = api.alloc(4L * n);
        int blocks = (n + 7) / 8;
        if (precision == Precision.F32) {
            api.launch(k.get(Kernels.INV_NORMS_F32), blocks, 1, Kernels.SEARCH_THREADS, 0, rows, n, dim, inv);
        } else {
            api.launch(k.get(Kernels.INV_NORMS_F16), blocks, 1, Kernels.SEARCH_THREADS, 0, rows, n, dim, inv);
        }
        api.synchronize();
        return new ResidentMatrix(n, dim, metric, precision, rows, inv, null, null);
    }

    /** int8 codes with the per-dimension dequantization {@code offset[d] + step[d] * code}. */
    public static ResidentMatrix uploadInt8(
            CudaApi api, GpuKernels k, byte[] codes, int n, int dim, float[] offsets, float[] steps, Metric metric) {
        if (n <= 0 || dim <= 0 || (long) n * dim > codes.length || offsets.length != dim || steps.length != dim) {
            throw new IllegalArgumentException(
                    n + " rows of " + dim + " codes, " + offsets.length + " offsets, " + steps.length + " steps");
        }
        CudaApi.Buffer rows = api.alloc((long) n * dim);
        api.copyIn(rows, 0, codes, 0, n * dim);
        CudaApi.Buffer off = api.alloc(4L * dim);
        api.copyIn(off, 0, offsets, 0, dim);
        CudaApi.Buffer st = api.alloc(4L * dim);
        api.copyIn(st, 0, steps, 0, dim);
        CudaApi.Buffer inv = api.alloc(4L * n);
        api.launch(k.get(Kernels.INV_NORMS_I8), (n + 7) / 8, 1, Kernels.SEARCH_THREADS, 0, rows, n, dim, off, st, inv);
        api.synchronize();
        return new ResidentMatrix(n, dim, metric, Precision.I8, rows, inv, off, st);
    }

    public int rows() {
        return n;
    }

    public int dimension() {
        return dim;
    }

    public Metric metric() {
        return metric;
    }

    /** Device bytes held. */
    public long bytes() {
        return rows.bytes() + invNorms.bytes() + (offset == null ? 0 : offset.bytes() + step.bytes());
    }

    public void free(CudaApi api) {
        api.free(rows);
        api.free(invNorms);
        if (offset != null) {
            api.free(offset);
            api.free(step);
        }
    }
}
