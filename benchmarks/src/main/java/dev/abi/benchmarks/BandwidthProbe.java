package dev.abi.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Memory read bandwidth as a SIMD sum over an array far larger than the caches: the ceiling an exact scan of the
 * same bytes can reach.
 */
public final class BandwidthProbe {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private BandwidthProbe() {}

    /** Best of {@code passes} full reads of {@code data}, in GB/s (10^9 bytes). */
    public static double gbPerSecond(float[] data, int passes) {
        double best = 0;
        float sink = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            sink += sum(data);
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, data.length * (double) Float.BYTES / seconds / 1e9);
        }
        if (sink == 42.4242f) {
            System.out.println("(unlikely sum)");
        }
        return best;
    }

    private static float sum(float[] data) {
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(data.length);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + 3 * step < bound; i += 4 * step) {
            a0 = a0.add(FloatVector.fromArray(SPECIES, data, i));
            a1 = a1.add(FloatVector.fromArray(SPECIES, data, i + step));
            a2 = a2.add(FloatVector.fromArray(SPECIES, data, i + 2 * step));
            a3 = a3.add(FloatVector.fromArray(SPECIES, data, i + 3 * step));
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < data.length; i++) {
            s += data[i];
        }
        return s;
    }
}
