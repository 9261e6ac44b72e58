package dev.abi.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on {@code jdk.incubator.vector}. Only {@link VectorOpsProvider} instantiates this class, and only after it
 * has checked that the module is present: loading it without the module throws {@code NoClassDefFoundError}.
 */
final class PanamaVectorOps implements VectorOps {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public float dot(float[] q, int qOffset, float[] data, int offset, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        // Two accumulators hide the FMA latency on wide machines.
        for (; i + step < bound; i += 2 * step) {
            acc0 = FloatVector.fromArray(SPECIES, q, qOffset + i).fma(FloatVector.fromArray(SPECIES, data, offset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, q, qOffset + i + step)
                    .fma(FloatVector.fromArray(SPECIES, data, offset + i + step), acc1);
        }
        for (; i < bound; i += step) {
            acc0 = FloatVector.fromArray(SPECIES, q, qOffset + i).fma(FloatVector.fromArray(SPECIES, data, offset + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += q[qOffset + i] * data[offset + i];
        }
        return sum;
    }

    @Override
    public float squaredDistance(float[] q, int qOffset, float[] data, int offset, int len) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(len);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, q, qOffset + i).sub(FloatVector.fromArray(SPECIES, data, offset + i));
            FloatVector d1 = FloatVector.fromArray(SPECIES, q, qOffset + i + step)
                    .sub(FloatVector.fromArray(SPECIES, data, offset + i + step));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        for (; i < bound; i += step) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, q, qOffset + i).sub(FloatVector.fromArray(SPECIES, data, offset + i));
            acc0 = d0.fma(d0, acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float d = q[qOffset + i] - data[offset + i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize();
    }
}
