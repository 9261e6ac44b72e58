package dev.abi.vector;

/** Plain-Java kernels: the fallback when the Vector API is missing or would run slowly. */
final class ScalarVectorOps implements VectorOps {

    @Override
    public float dot(float[] q, int qOffset, float[] data, int offset, int len) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            s0 += q[qOffset + i] * data[offset + i];
            s1 += q[qOffset + i + 1] * data[offset + i + 1];
            s2 += q[qOffset + i + 2] * data[offset + i + 2];
            s3 += q[qOffset + i + 3] * data[offset + i + 3];
        }
        for (; i < len; i++) {
            s0 += q[qOffset + i] * data[offset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float squaredDistance(float[] q, int qOffset, float[] data, int offset, int len) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            float d0 = q[qOffset + i] - data[offset + i];
            float d1 = q[qOffset + i + 1] - data[offset + i + 1];
            float d2 = q[qOffset + i + 2] - data[offset + i + 2];
            float d3 = q[qOffset + i + 3] - data[offset + i + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < len; i++) {
            float d = q[qOffset + i] - data[offset + i];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float dotInt8(float[] v, byte[] codes, int offset, int len) {
        float s0 = 0, s1 = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            s0 += v[i] * codes[offset + i];
            s1 += v[i + 1] * codes[offset + i + 1];
        }
        for (; i < len; i++) {
            s0 += v[i] * codes[offset + i];
        }
        return s0 + s1;
    }

    @Override
    public float squaredDistanceInt8(float[] u, float[] scale, byte[] codes, int offset, int len) {
        float s0 = 0, s1 = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            float d0 = u[i] - scale[i] * codes[offset + i];
            float d1 = u[i + 1] - scale[i + 1] * codes[offset + i + 1];
            s0 += d0 * d0;
            s1 += d1 * d1;
        }
        for (; i < len; i++) {
            float d = u[i] - scale[i] * codes[offset + i];
            s0 += d * d;
        }
        return s0 + s1;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int dotBytes(byte[] a, int aOffset, byte[] b, int bOffset, int len) {
        int sum = 0;
        for (int i = 0; i < len; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }
}
