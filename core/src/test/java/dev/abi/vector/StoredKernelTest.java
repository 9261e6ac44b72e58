package dev.abi.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernels that read little-endian floats out of a segment's bytes agree with the float-array kernels, on the
 * Vector API and the scalar backend, at odd offsets and lengths.
 */
class StoredKernelTest {

    @Test
    void storedKernelsMatchTheArrayKernels() {
        Random random = new Random(5);
        for (VectorOps ops : new VectorOps[] {new PanamaVectorOps(), new ScalarVectorOps()}) {
            for (int dim : new int[] {1, 7, 16, 33, 128, 784}) {
                float[] q = new float[dim];
                float[] data = new float[4 * dim];
                for (int d = 0; d < dim; d++) {
                    q[d] = (float) random.nextGaussian();
                }
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) random.nextGaussian();
                }
                int base = 3; // not a multiple of 4: loads must not assume aligned floats
                ByteBuffer bytes =
                        ByteBuffer.allocate(base + 4 * data.length + 5).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < data.length; i++) {
                    bytes.putFloat(base + 4 * i, data[i]);
                }
                byte[] stored = bytes.array();
                int[] order = {2, 0, 3, 1};
                float[] dots = new float[5];
                float[] l2 = new float[5];
                ops.dot4Stored(
                        q,
                        stored,
                        base + 4 * dim * order[0],
                        base + 4 * dim * order[1],
                        base + 4 * dim * order[2],
                        base + 4 * dim * order[3],
                        dim,
                        dots,
                        1);
                ops.squaredDistance4Stored(
                        q,
                        stored,
                        base + 4 * dim * order[0],
                        base + 4 * dim * order[1],
                        base + 4 * dim * order[2],
                        base + 4 * dim * order[3],
                        dim,
                        l2,
                        1);
                for (int k = 0; k < 4; k++) {
                    int v = order[k];
                    float dot = ops.dot(q, 0, data, v * dim, dim);
                    float sq = ops.squaredDistance(q, 0, data, v * dim, dim);
                    String where = ops.name() + " dim " + dim + " vector " + v;
                    float tolerance = 1e-4f * Math.max(1f, Math.abs(dot));
                    assertEquals(dot, ops.dotStored(q, stored, base + 4 * dim * v, dim), tolerance, where);
                    assertEquals(dot, dots[1 + k], tolerance, where);
                    assertEquals(sq, ops.squaredDistanceStored(q, stored, base + 4 * dim * v, dim), 1e-4f * sq, where);
                    assertEquals(sq, l2[1 + k], 1e-4f * sq, where);
                }
            }
        }
    }
}
