package dev.abi.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The four-way int8 kernels agree with the one-vector ones, on the Vector API and the scalar backend alike. */
class Int8KernelTest {

    @Test
    void fourWayInt8KernelsMatchTheOneVectorKernels() {
        Random random = new Random(42);
        for (VectorOps ops : new VectorOps[] {new PanamaVectorOps(), new ScalarVectorOps()}) {
            for (int dim : new int[] {1, 7, 16, 33, 128, 784}) {
                float[] v = new float[dim];
                float[] scale = new float[dim];
                byte[] codes = new byte[dim * 5 + 3];
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) random.nextGaussian();
                    scale[d] = random.nextFloat() / 64;
                }
                random.nextBytes(codes);
                int[] offsets = {3 + dim * 4, 3, 3 + dim * 2, 3 + dim};
                float[] dots = new float[6];
                float[] l2 = new float[6];
                ops.dotInt8x4(v, codes, offsets[0], offsets[1], offsets[2], offsets[3], dim, dots, 1);
                ops.squaredDistanceInt8x4(v, scale, codes, offsets[0], offsets[1], offsets[2], offsets[3], dim, l2, 2);
                for (int k = 0; k < 4; k++) {
                    float dot = ops.dotInt8(v, codes, offsets[k], dim);
                    float sq = ops.squaredDistanceInt8(v, scale, codes, offsets[k], dim);
                    assertEquals(dot, dots[1 + k], 1e-3f * Math.max(1f, Math.abs(dot)), ops.name() + " dim " + dim);
                    assertEquals(sq, l2[2 + k], 1e-4f * Math.max(1f, sq), ops.name() + " dim " + dim);
                }
            }
        }
    }
}
