package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.abi.gpu.kernels.HostReference;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's half-precision and GELU references against core's package-private inference helpers (this test
 * sits in their package for that).
 */
class GpuReferenceAgainstInferenceTest {

    @Test
    void halfPrecisionMatchesCoresFloat16() {
        Random rnd = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
            assertEquals(Float16.fromFloat(x), HostReference.toHalf(new float[] {x})[0], "bits of " + x);
            assertEquals(Float16.round(x), HostReference.roundedToHalf(new float[] {x})[0], "value of " + x);
            assertEquals(Float16.toFloat(Float16.fromFloat(x)), HostReference.fromHalf(Float16.fromFloat(x)));
        }
    }

    @Test
    void geluMatchesTheCpuPathUpToItsHalfPrecisionTable() {
        for (float x = -12f; x <= 12f; x += 0.01f) {
            float cpu = BertModel.Gelu.apply(x);
            float ref = HostReference.gelu(x);
            // the CPU looks GELU up at the input rounded to f16 and rounds the result to f16
            assertEquals(cpu, ref, 2e-3f * Math.max(1f, Math.abs(ref)) + 1e-3f, "gelu(" + x + ")");
        }
    }
}
