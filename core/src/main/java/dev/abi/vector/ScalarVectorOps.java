package dev.abi.vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Plain-Java index kernels: the fallback when the Vector API is missing or would run slowly. */
final class ScalarVectorOps implements VectorOps {

    /** Little-endian float view of a byte array, for the stored kernels (and the Vector-API ones' tails). */
    static final VarHandle STORED_FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

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
    public float dotStored(float[] q, byte[] bytes, int byteOffset, int len) {
        float sum = 0;
        for (int i = 0; i < len; i++) {
            sum += q[i] * (float) STORED_FLOAT.get(bytes, byteOffset + 4 * i);
        }
        return sum;
    }

    @Override
    public float squaredDistanceStored(float[] q, byte[] bytes, int byteOffset, int len) {
        float sum = 0;
        for (int i = 0; i < len; i++) {
            float d = q[i] - (float) STORED_FLOAT.get(bytes, byteOffset + 4 * i);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public void dot4Stored(float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = dotStored(q, bytes, o0, len);
        out[at + 1] = dotStored(q, bytes, o1, len);
        out[at + 2] = dotStored(q, bytes, o2, len);
        out[at + 3] = dotStored(q, bytes, o3, len);
    }

    @Override
    public void squaredDistance4Stored(
            float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = squaredDistanceStored(q, bytes, o0, len);
        out[at + 1] = squaredDistanceStored(q, bytes, o1, len);
        out[at + 2] = squaredDistanceStored(q, bytes, o2, len);
        out[at + 3] = squaredDistanceStored(q, bytes, o3, len);
    }

    @Override
    public void dot4(float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = dot(q, 0, data, o0, len);
        out[at + 1] = dot(q, 0, data, o1, len);
        out[at + 2] = dot(q, 0, data, o2, len);
        out[at + 3] = dot(q, 0, data, o3, len);
    }

    @Override
    public void squaredDistance4(
            float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = squaredDistance(q, 0, data, o0, len);
        out[at + 1] = squaredDistance(q, 0, data, o1, len);
        out[at + 2] = squaredDistance(q, 0, data, o2, len);
        out[at + 3] = squaredDistance(q, 0, data, o3, len);
    }

    @Override
    public void dotInt8x4(float[] v, byte[] codes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = dotInt8(v, codes, o0, len);
        out[at + 1] = dotInt8(v, codes, o1, len);
        out[at + 2] = dotInt8(v, codes, o2, len);
        out[at + 3] = dotInt8(v, codes, o3, len);
    }

    @Override
    public void squaredDistanceInt8x4(
            float[] u, float[] scale, byte[] codes, int o0, int o1, int o2, int o3, int len, float[] out, int at) {
        out[at] = squaredDistanceInt8(u, scale, codes, o0, len);
        out[at + 1] = squaredDistanceInt8(u, scale, codes, o1, len);
        out[at + 2] = squaredDistanceInt8(u, scale, codes, o2, len);
        out[at + 3] = squaredDistanceInt8(u, scale, codes, o3, len);
    }

    @Override
    public int panelWidth() {
        return 8;
    }

    @Override
    public void dotPanel(float[] q, float[] panel, int offset, int len, float[] out) {
        int w = panelWidth();
        for (int j = 0; j < w; j++) {
            float s = 0;
            for (int k = 0; k < len; k++) {
                s += panel[offset + k * w + j] * q[k];
            }
            out[j] = s;
        }
    }

    @Override
    public void squaredDistancePanel(float[] q, float[] panel, int offset, int len, float[] out) {
        int w = panelWidth();
        for (int j = 0; j < w; j++) {
            float s = 0;
            for (int k = 0; k < len; k++) {
                float d = panel[offset + k * w + j] - q[k];
                s += d * d;
            }
            out[j] = s;
        }
    }
}
