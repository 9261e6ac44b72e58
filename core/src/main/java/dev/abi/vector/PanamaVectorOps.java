package dev.abi.vector;

import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Index kernels on {@code jdk.incubator.vector}. Only {@link VectorOpsProvider} instantiates this class, and only
 * after it has checked that the module is present: loading it without the module throws {@code NoClassDefFoundError}.
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
            acc0 = FloatVector.fromArray(SPECIES, q, qOffset + i)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, q, qOffset + i + step)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i + step), acc1);
            acc2 = FloatVector.fromArray(SPECIES, q, qOffset + i + 2 * step)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i + 2 * step), acc2);
            acc3 = FloatVector.fromArray(SPECIES, q, qOffset + i + 3 * step)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i + 3 * step), acc3);
        }
        for (; i < bound; i += step) {
            acc0 = FloatVector.fromArray(SPECIES, q, qOffset + i)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i), acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += q[qOffset + i] * data[offset + i];
        }
        return sum;
    }

    /** The stored kernels on a big-endian platform, where byte lanes would not reinterpret as the stored floats. */
    private static final ScalarVectorOps SCALAR = new ScalarVectorOps();
    /** Little-endian float reads of a byte array, for the stored kernels' tails. */
    private static final VarHandle STORED_FLOAT = ScalarVectorOps.STORED_FLOAT;
    /** Whether byte lanes reinterpret as little-endian floats (they take the platform's order). */
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** Bytes of one float vector: a load of these reinterprets as one {@link #SPECIES} vector. */
    private static final VectorSpecies<Byte> FLOAT_BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(SPECIES.vectorBitSize()));

    private static FloatVector storedFloats(byte[] bytes, int byteOffset) {
        return ByteVector.fromArray(FLOAT_BYTES, bytes, byteOffset).reinterpretAsFloats();
    }

    @Override
    public float dotStored(float[] q, byte[] bytes, int byteOffset, int len) {
        if (!LITTLE_ENDIAN) {
            return SCALAR.dotStored(q, bytes, byteOffset, len);
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
            return SCALAR.squaredDistanceStored(q, bytes, byteOffset, len);
        }
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, q, i).sub(storedFloats(bytes, byteOffset + 4 * i));
            FloatVector d1 =
                    FloatVector.fromArray(SPECIES, q, i + step).sub(storedFloats(bytes, byteOffset + 4 * (i + step)));
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
            SCALAR.dot4Stored(q, bytes, o0, o1, o2, o3, len, out, at);
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
    public void squaredDistance4Stored(
            float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        if (!LITTLE_ENDIAN) {
            SCALAR.squaredDistance4Stored(q, bytes, o0, o1, o2, o3, len, out, at);
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
    public void squaredDistance4(
            float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
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
    public void squaredDistanceInt8x4(
            float[] u, float[] scale, byte[] codes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
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

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize();
    }
}
