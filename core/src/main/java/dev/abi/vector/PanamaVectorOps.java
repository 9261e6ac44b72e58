package dev.abi.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on {@code jdk.incubator.vector}. Only {@link VectorOpsProvider} instantiates this class, and only after it
 * has checked that the module is present: loading it without the module throws {@code NoClassDefFoundError}.
 */
final class PanamaVectorOps implements VectorOps {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Bytes with as many lanes as {@link #SPECIES}: one load widens to exactly one float vector. */
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(SPECIES.length() * Byte.SIZE));

    @Override
    public float dot(float[] q, int qOffset, float[] data, int offset, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        // Four independent accumulators keep several FMAs in flight; one chain would wait on each FMA's latency.
        for (; i + 3 * step < bound; i += 4 * step) {
            acc0 = FloatVector.fromArray(SPECIES, q, qOffset + i).fma(FloatVector.fromArray(SPECIES, data, offset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, q, qOffset + i + step)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i + step), acc1);
            acc2 = FloatVector.fromArray(SPECIES, q, qOffset + i + 2 * step)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i + 2 * step), acc2);
            acc3 = FloatVector.fromArray(SPECIES, q, qOffset + i + 3 * step)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i + 3 * step), acc3);
        }
        for (; i < bound; i += step) {
            acc0 = FloatVector.fromArray(SPECIES, q, qOffset + i).fma(FloatVector.fromArray(SPECIES, data, offset + i), acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += q[qOffset + i] * data[offset + i];
        }
        return sum;
    }

    /** Whether byte lanes reinterpret as little-endian floats (they take the platform's order). */
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
    /** Bytes of one float vector: a load of these reinterprets as one {@link #SPECIES} vector. */
    private static final VectorSpecies<Byte> FLOAT_BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(SPECIES.vectorBitSize()));

    private static FloatVector storedFloats(byte[] bytes, int byteOffset) {
        return ByteVector.fromArray(FLOAT_BYTES, bytes, byteOffset).reinterpretAsFloats();
    }

    @Override
    public float dotStored(float[] q, byte[] bytes, int byteOffset, int len) {
        if (!LITTLE_ENDIAN) {
            return VectorOps.super.dotStored(q, bytes, byteOffset, len);
        }
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            acc0 = FloatVector.fromArray(SPECIES, q, i).fma(storedFloats(bytes, byteOffset + 4 * i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, q, i + step)
                    .fma(storedFloats(bytes, byteOffset + 4 * (i + step)), acc1);
        }
        for (; i < bound; i += step) {
            acc0 = FloatVector.fromArray(SPECIES, q, i).fma(storedFloats(bytes, byteOffset + 4 * i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += q[i] * (float) STORED_FLOAT.get(bytes, byteOffset + 4 * i);
        }
        return sum;
    }

    @Override
    public float squaredDistanceStored(float[] q, byte[] bytes, int byteOffset, int len) {
        if (!LITTLE_ENDIAN) {
            return VectorOps.super.squaredDistanceStored(q, bytes, byteOffset, len);
        }
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, q, i).sub(storedFloats(bytes, byteOffset + 4 * i));
            FloatVector d1 = FloatVector.fromArray(SPECIES, q, i + step)
                    .sub(storedFloats(bytes, byteOffset + 4 * (i + step)));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        for (; i < bound; i += step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, q, i).sub(storedFloats(bytes, byteOffset + 4 * i));
            acc0 = d0.fma(d0, acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float d = q[i] - (float) STORED_FLOAT.get(bytes, byteOffset + 4 * i);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public void dot4Stored(float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        if (!LITTLE_ENDIAN) {
            VectorOps.super.dot4Stored(q, bytes, o0, o1, o2, o3, len, out, at);
            return;
        }
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, i);
            int b = 4 * i;
            a0 = x.fma(storedFloats(bytes, o0 + b), a0);
            a1 = x.fma(storedFloats(bytes, o1 + b), a1);
            a2 = x.fma(storedFloats(bytes, o2 + b), a2);
            a3 = x.fma(storedFloats(bytes, o3 + b), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float x = q[i];
            s0 += x * (float) STORED_FLOAT.get(bytes, o0 + 4 * i);
            s1 += x * (float) STORED_FLOAT.get(bytes, o1 + 4 * i);
            s2 += x * (float) STORED_FLOAT.get(bytes, o2 + 4 * i);
            s3 += x * (float) STORED_FLOAT.get(bytes, o3 + 4 * i);
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    @Override
    public void squaredDistance4Stored(float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out,
            int at) {
        if (!LITTLE_ENDIAN) {
            VectorOps.super.squaredDistance4Stored(q, bytes, o0, o1, o2, o3, len, out, at);
            return;
        }
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, i);
            int b = 4 * i;
            FloatVector d0 = x.sub(storedFloats(bytes, o0 + b));
            FloatVector d1 = x.sub(storedFloats(bytes, o1 + b));
            FloatVector d2 = x.sub(storedFloats(bytes, o2 + b));
            FloatVector d3 = x.sub(storedFloats(bytes, o3 + b));
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            a2 = d2.fma(d2, a2);
            a3 = d3.fma(d3, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float x = q[i];
            float d0 = x - (float) STORED_FLOAT.get(bytes, o0 + 4 * i);
            float d1 = x - (float) STORED_FLOAT.get(bytes, o1 + 4 * i);
            float d2 = x - (float) STORED_FLOAT.get(bytes, o2 + 4 * i);
            float d3 = x - (float) STORED_FLOAT.get(bytes, o3 + 4 * i);
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    @Override
    public float dotOrdered(float[] a, int aOffset, float[] b, int bOffset, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i).fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, aOffset + i + step)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + step), acc1);
        }
        for (; i < bound; i += step) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i).fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
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
            FloatVector.fromArray(SPECIES, x, xo + i).fma(av, FloatVector.fromArray(SPECIES, y, yo + i))
                    .intoArray(y, yo + i);
        }
        for (; i < len; i++) {
            y[yo + i] = Math.fma(a, x[xo + i], y[yo + i]);
        }
    }

    @Override
    public float squaredDistance(float[] q, int qOffset, float[] data, int offset, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + 3 * step < bound; i += 4 * step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, q, qOffset + i)
                    .sub(FloatVector.fromArray(SPECIES, data, offset + i));
            FloatVector d1 = FloatVector.fromArray(SPECIES, q, qOffset + i + step)
                    .sub(FloatVector.fromArray(SPECIES, data, offset + i + step));
            FloatVector d2 = FloatVector.fromArray(SPECIES, q, qOffset + i + 2 * step)
                    .sub(FloatVector.fromArray(SPECIES, data, offset + i + 2 * step));
            FloatVector d3 = FloatVector.fromArray(SPECIES, q, qOffset + i + 3 * step)
                    .sub(FloatVector.fromArray(SPECIES, data, offset + i + 3 * step));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        for (; i < bound; i += step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, q, qOffset + i)
                    .sub(FloatVector.fromArray(SPECIES, data, offset + i));
            acc0 = d0.fma(d0, acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float d = q[qOffset + i] - data[offset + i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public boolean blockKernels() {
        return true;
    }

    @Override
    public void dot4(float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, i);
            a0 = x.fma(FloatVector.fromArray(SPECIES, data, o0 + i), a0);
            a1 = x.fma(FloatVector.fromArray(SPECIES, data, o1 + i), a1);
            a2 = x.fma(FloatVector.fromArray(SPECIES, data, o2 + i), a2);
            a3 = x.fma(FloatVector.fromArray(SPECIES, data, o3 + i), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float x = q[i];
            s0 += x * data[o0 + i];
            s1 += x * data[o1 + i];
            s2 += x * data[o2 + i];
            s3 += x * data[o3 + i];
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    @Override
    public void squaredDistance4(float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out,
            int at) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, i);
            FloatVector d0 = x.sub(FloatVector.fromArray(SPECIES, data, o0 + i));
            FloatVector d1 = x.sub(FloatVector.fromArray(SPECIES, data, o1 + i));
            FloatVector d2 = x.sub(FloatVector.fromArray(SPECIES, data, o2 + i));
            FloatVector d3 = x.sub(FloatVector.fromArray(SPECIES, data, o3 + i));
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            a2 = d2.fma(d2, a2);
            a3 = d3.fma(d3, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float x = q[i];
            float d0 = x - data[o0 + i];
            float d1 = x - data[o1 + i];
            float d2 = x - data[o2 + i];
            float d3 = x - data[o3 + i];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    @Override
    public float dotInt8(float[] v, byte[] codes, int offset, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            acc0 = FloatVector.fromArray(SPECIES, v, i).fma(widen(codes, offset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, v, i + step).fma(widen(codes, offset + i + step), acc1);
        }
        for (; i < bound; i += step) {
            acc0 = FloatVector.fromArray(SPECIES, v, i).fma(widen(codes, offset + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += v[i] * codes[offset + i];
        }
        return sum;
    }

    @Override
    public float squaredDistanceInt8(float[] u, float[] scale, byte[] codes, int offset, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, u, i)
                    .sub(FloatVector.fromArray(SPECIES, scale, i).mul(widen(codes, offset + i)));
            FloatVector d1 = FloatVector.fromArray(SPECIES, u, i + step)
                    .sub(FloatVector.fromArray(SPECIES, scale, i + step).mul(widen(codes, offset + i + step)));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        for (; i < bound; i += step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, u, i)
                    .sub(FloatVector.fromArray(SPECIES, scale, i).mul(widen(codes, offset + i)));
            acc0 = d0.fma(d0, acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float d = u[i] - scale[i] * codes[offset + i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public void dotInt8x4(float[] v, byte[] codes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(SPECIES, v, i);
            a0 = x.fma(widen(codes, o0 + i), a0);
            a1 = x.fma(widen(codes, o1 + i), a1);
            a2 = x.fma(widen(codes, o2 + i), a2);
            a3 = x.fma(widen(codes, o3 + i), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float x = v[i];
            s0 += x * codes[o0 + i];
            s1 += x * codes[o1 + i];
            s2 += x * codes[o2 + i];
            s3 += x * codes[o3 + i];
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    @Override
    public void squaredDistanceInt8x4(float[] u, float[] scale, byte[] codes, int o0, int o1, int o2, int o3, int len,
            float[] out, int at) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(SPECIES, u, i);
            FloatVector k = FloatVector.fromArray(SPECIES, scale, i);
            FloatVector d0 = k.fma(widen(codes, o0 + i).neg(), x);
            FloatVector d1 = k.fma(widen(codes, o1 + i).neg(), x);
            FloatVector d2 = k.fma(widen(codes, o2 + i).neg(), x);
            FloatVector d3 = k.fma(widen(codes, o3 + i).neg(), x);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            a2 = d2.fma(d2, a2);
            a3 = d3.fma(d3, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float x = u[i];
            float k = scale[i];
            float d0 = x - k * codes[o0 + i];
            float d1 = x - k * codes[o1 + i];
            float d2 = x - k * codes[o2 + i];
            float d3 = x - k * codes[o3 + i];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    private static FloatVector widen(byte[] codes, int offset) {
        return (FloatVector) ByteVector.fromArray(BYTES, codes, offset).convertShape(VectorOperators.B2F, SPECIES, 0);
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

    @Override
    public void dotPanel(float[] q, float[] panel, int offset, int len, float[] out) {
        int l = SPECIES.length();
        int w = 2 * l;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector b0 = FloatVector.zero(SPECIES);
        FloatVector b1 = FloatVector.zero(SPECIES);
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = FloatVector.zero(SPECIES);
        FloatVector d0 = FloatVector.zero(SPECIES);
        FloatVector d1 = FloatVector.zero(SPECIES);
        int k = 0;
        int p = offset;
        // four independent accumulator pairs (k mod 4) keep enough FMAs in flight to cover their latency
        for (; k + 3 < len; k += 4, p += 4 * w) {
            FloatVector x = FloatVector.broadcast(SPECIES, q[k]);
            a0 = FloatVector.fromArray(SPECIES, panel, p).fma(x, a0);
            a1 = FloatVector.fromArray(SPECIES, panel, p + l).fma(x, a1);
            FloatVector y = FloatVector.broadcast(SPECIES, q[k + 1]);
            b0 = FloatVector.fromArray(SPECIES, panel, p + w).fma(y, b0);
            b1 = FloatVector.fromArray(SPECIES, panel, p + w + l).fma(y, b1);
            FloatVector z = FloatVector.broadcast(SPECIES, q[k + 2]);
            c0 = FloatVector.fromArray(SPECIES, panel, p + 2 * w).fma(z, c0);
            c1 = FloatVector.fromArray(SPECIES, panel, p + 2 * w + l).fma(z, c1);
            FloatVector u = FloatVector.broadcast(SPECIES, q[k + 3]);
            d0 = FloatVector.fromArray(SPECIES, panel, p + 3 * w).fma(u, d0);
            d1 = FloatVector.fromArray(SPECIES, panel, p + 3 * w + l).fma(u, d1);
        }
        for (; k < len; k++, p += w) {
            FloatVector x = FloatVector.broadcast(SPECIES, q[k]);
            a0 = FloatVector.fromArray(SPECIES, panel, p).fma(x, a0);
            a1 = FloatVector.fromArray(SPECIES, panel, p + l).fma(x, a1);
        }
        a0.add(b0).add(c0.add(d0)).intoArray(out, 0);
        a1.add(b1).add(c1.add(d1)).intoArray(out, l);
    }

    @Override
    public void squaredDistancePanel(float[] q, float[] panel, int offset, int len, float[] out) {
        int l = SPECIES.length();
        int w = 2 * l;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector b0 = FloatVector.zero(SPECIES);
        FloatVector b1 = FloatVector.zero(SPECIES);
        int k = 0;
        int p = offset;
        for (; k + 1 < len; k += 2, p += 2 * w) {
            FloatVector x = FloatVector.broadcast(SPECIES, q[k]);
            FloatVector d0 = FloatVector.fromArray(SPECIES, panel, p).sub(x);
            FloatVector d1 = FloatVector.fromArray(SPECIES, panel, p + l).sub(x);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            FloatVector y = FloatVector.broadcast(SPECIES, q[k + 1]);
            FloatVector e0 = FloatVector.fromArray(SPECIES, panel, p + w).sub(y);
            FloatVector e1 = FloatVector.fromArray(SPECIES, panel, p + w + l).sub(y);
            b0 = e0.fma(e0, b0);
            b1 = e1.fma(e1, b1);
        }
        if (k < len) {
            FloatVector x = FloatVector.broadcast(SPECIES, q[k]);
            FloatVector d0 = FloatVector.fromArray(SPECIES, panel, p).sub(x);
            FloatVector d1 = FloatVector.fromArray(SPECIES, panel, p + l).sub(x);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
        }
        a0.add(b0).intoArray(out, 0);
        a1.add(b1).intoArray(out, l);
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
    private static float sum(FloatVector v) {
        // halves added lanewise (exact per lane, the same in the interpreter and in C2), then four lanes in order
        if (v.length() == 16) {
            v = ((FloatVector) v.reinterpretShape(FloatVector.SPECIES_256, 0))
                    .add((FloatVector) v.reinterpretShape(FloatVector.SPECIES_256, 1));
        }
        if (v.length() == 8) {
            v = ((FloatVector) v.reinterpretShape(FloatVector.SPECIES_128, 0))
                    .add((FloatVector) v.reinterpretShape(FloatVector.SPECIES_128, 1));
        }
        if (v.length() == 4) {
            return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
        }
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
            ShortVector x = (ShortVector) ByteVector.fromArray(BYTES_128, a, aOffset + i)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
            ShortVector y = (ShortVector) ByteVector.fromArray(BYTES_128, b, bOffset + i)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
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

    @Override
    public int dotQ4(byte[] packed, int pOffset, byte[] a, int aOffset) {
        ByteVector q = ByteVector.fromArray(BYTES_128, packed, pOffset);
        ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
        ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
        ShortVector pl = ((ShortVector) lo.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                .mul((ShortVector) ByteVector.fromArray(BYTES_128, a, aOffset)
                        .convertShape(VectorOperators.B2S, SHORTS_256, 0));
        ShortVector ph = ((ShortVector) hi.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                .mul((ShortVector) ByteVector.fromArray(BYTES_128, a, aOffset + 16)
                        .convertShape(VectorOperators.B2S, SHORTS_256, 0));
        // |products| <= 8 * 128, so 16 lanes of sums of two fit in shorts; widen before the final reduction
        ShortVector s = pl.add(ph);
        IntVector lo0 = (IntVector) s.convertShape(VectorOperators.S2I, INTS_256, 0);
        IntVector hi0 = (IntVector) s.convertShape(VectorOperators.S2I, INTS_256, 1);
        return lo0.add(hi0).reduceLanes(VectorOperators.ADD);
    }

    private static final VectorSpecies<Float> FLOATS_256 = FloatVector.SPECIES_256;

    /** Eight int lanes of one block's 32 products (lane k holds four of them). */
    private static IntVector blockLanes(ShortVector p0, ShortVector p1) {
        return ((IntVector) p0.convertShape(VectorOperators.S2I, INTS_256, 0))
                .add((IntVector) p0.convertShape(VectorOperators.S2I, INTS_256, 1))
                .add((IntVector) p1.convertShape(VectorOperators.S2I, INTS_256, 0))
                .add((IntVector) p1.convertShape(VectorOperators.S2I, INTS_256, 1));
    }

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
            int wo = b * 34;
            float d = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8))) * aScales[b];
            ShortVector p = ((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + 2)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32))
                    .add(((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + 18)
                            .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                            .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32 + 16)));
            IntVector lanes = (IntVector) p.convertShape(VectorOperators.S2I, INTS_512, 0);
            acc = ((FloatVector) lanes.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOATS_512, d), acc);
        }
        return sum(acc);
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
            int wo = b * 34;
            float d = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8))) * aScales[b];
            ShortVector p0 = ((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + 2)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32));
            ShortVector p1 = ((ShortVector) ByteVector.fromArray(BYTES_128, row, wo + 18)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32 + 16));
            FloatVector q = (FloatVector) blockLanes(p0, p1).convert(VectorOperators.I2F, 0);
            acc = q.fma(FloatVector.broadcast(FLOATS_256, d), acc);
        }
        return sum(acc);
    }

    /**
     * Q4_0 row with 512-bit accumulation (AVX-512): the low and high nibble products of a block are added in 16
     * short lanes (each sum of two products fits: |p| <= 8 * 128), widened once to 16 ints.
     */
    private static float dotQ4Row512(byte[] row, int blocks, short[] aqWide, float[] aScales, int[] aSums) {
        FloatVector acc = FloatVector.zero(FLOATS_512);
        float offset = 0;
        for (int b = 0; b < blocks; b++) {
            int wo = b * 18;
            float d = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8))) * aScales[b];
            ByteVector q = ByteVector.fromArray(BYTES_128, row, wo + 2);
            // unsigned nibbles (0..15); the -8 of every element is one -8 * sum(activations) per block, below
            ByteVector lo = q.and((byte) 0x0F);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4);
            ShortVector p = ((ShortVector) lo.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32))
                    .add(((ShortVector) hi.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                            .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32 + 16)));
            IntVector lanes = (IntVector) p.convertShape(VectorOperators.S2I, INTS_512, 0);
            acc = ((FloatVector) lanes.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOATS_512, d), acc);
            offset += d * aSums[b];
        }
        return sum(acc) - 8 * offset;
    }

    @Override
    public void dotQ8Row4(byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, float[] out) {
        if (!WIDE) {
            VectorOps.super.dotQ8Row4(row, blocks, aq, aqWide, aScales, out);
            return;
        }
        FloatVector acc0 = FloatVector.zero(FLOATS_512);
        FloatVector acc1 = FloatVector.zero(FLOATS_512);
        FloatVector acc2 = FloatVector.zero(FLOATS_512);
        FloatVector acc3 = FloatVector.zero(FLOATS_512);
        for (int b = 0; b < blocks; b++) {
            int wo = b * 34;
            float wd = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8)));
            ShortVector w0 = (ShortVector) ByteVector.fromArray(BYTES_128, row, wo + 2)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromArray(BYTES_128, row, wo + 18)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
            acc0 = blockFma(w0, w1, aqWide[0], b, wd * aScales[0][b], acc0);
            acc1 = blockFma(w0, w1, aqWide[1], b, wd * aScales[1][b], acc1);
            acc2 = blockFma(w0, w1, aqWide[2], b, wd * aScales[2][b], acc2);
            acc3 = blockFma(w0, w1, aqWide[3], b, wd * aScales[3][b], acc3);
        }
        out[0] = sum(acc0);
        out[1] = sum(acc1);
        out[2] = sum(acc2);
        out[3] = sum(acc3);
    }

    @Override
    public void dotQ4Row4(byte[] row, int blocks, byte[][] aq, short[][] aqWide, float[][] aScales, int[][] aSums,
                          float[] out) {
        if (!WIDE) {
            VectorOps.super.dotQ4Row4(row, blocks, aq, aqWide, aScales, aSums, out);
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
            int wo = b * 18;
            float wd = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8)));
            ByteVector q = ByteVector.fromArray(BYTES_128, row, wo + 2);
            ShortVector w0 = (ShortVector) q.and((byte) 0x0F).convertShape(VectorOperators.B2S, SHORTS_256, 0);
            ShortVector w1 = (ShortVector) q.lanewise(VectorOperators.LSHR, 4)
                    .convertShape(VectorOperators.B2S, SHORTS_256, 0);
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
        out[0] = sum(acc0) - 8 * off0;
        out[1] = sum(acc1) - 8 * off1;
        out[2] = sum(acc2) - 8 * off2;
        out[3] = sum(acc3) - 8 * off3;
    }

    /** One block's 32 widened weights times one input's widened activations, accumulated as in the row kernels. */
    private static FloatVector blockFma(ShortVector w0, ShortVector w1, short[] aqWide, int b, float d, FloatVector acc) {
        ShortVector p = w0.mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32))
                .add(w1.mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32 + 16)));
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
            int wo = b * 18;
            float d = Float.float16ToFloat((short) ((row[wo] & 0xFF) | (row[wo + 1] << 8))) * aScales[b];
            ByteVector q = ByteVector.fromArray(BYTES_128, row, wo + 2);
            ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
            ShortVector p0 = ((ShortVector) lo.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32));
            ShortVector p1 = ((ShortVector) hi.convertShape(VectorOperators.B2S, SHORTS_256, 0))
                    .mul(ShortVector.fromArray(SHORTS_256, aqWide, b * 32 + 16));
            FloatVector f = (FloatVector) blockLanes(p0, p1).convert(VectorOperators.I2F, 0);
            acc = f.fma(FloatVector.broadcast(FLOATS_256, d), acc);
        }
        return sum(acc);
    }
}
