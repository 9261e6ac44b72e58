package dev.abi.vector;

import java.util.Arrays;

/**
 * Per-dimension scalar quantization to signed bytes: {@code x[d] ~ offset[d] + step[d] * code[d]}, with the range of
 * each dimension taken from training vectors. Values outside the trained range are clamped.
 */
public final class ScalarQuantizer {

    private final float[] offset;
    private final float[] step;

    ScalarQuantizer(float[] offset, float[] step) {
        this.offset = offset;
        this.step = step;
    }

    /**
     * The quantizer with these per-dimension offsets and steps (as read back from a segment).
     *
     * @throws IllegalArgumentException when the arrays differ in length or a step is not positive
     */
    public static ScalarQuantizer of(float[] offsets, float[] steps) {
        if (offsets.length != steps.length) {
            throw new IllegalArgumentException("offsets have " + offsets.length + " dimensions, steps " + steps.length);
        }
        for (int d = 0; d < steps.length; d++) {
            if (!(steps[d] > 0) || !Float.isFinite(offsets[d])) {
                throw new IllegalArgumentException(
                        "dimension " + d + " has step " + steps[d] + ", offset " + offsets[d]);
            }
        }
        return new ScalarQuantizer(offsets.clone(), steps.clone());
    }

    /** Trains on {@code count} vectors of {@code dim} floats stored back to back in {@code vectors}. */
    public static ScalarQuantizer train(float[] vectors, int count, int dim) {
        float[] min = new float[dim];
        float[] max = new float[dim];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < count; i++) {
            int base = i * dim;
            for (int d = 0; d < dim; d++) {
                float x = vectors[base + d];
                min[d] = Math.min(min[d], x);
                max[d] = Math.max(max[d], x);
            }
        }
        float[] offset = new float[dim];
        float[] step = new float[dim];
        for (int d = 0; d < dim; d++) {
            // A little headroom: vectors inserted after training usually fall inside it instead of clamping.
            float span = Math.max(max[d] - min[d], 1e-12f) * 1.02f;
            float lo = (min[d] + max[d]) / 2 - span / 2;
            step[d] = span / 255f;
            offset[d] = lo + 128 * step[d];
        }
        return new ScalarQuantizer(offset, step);
    }

    /** Encodes {@code dim} floats of {@code src} from {@code srcOffset} into {@code dst} from {@code dstOffset}. */
    public void encode(float[] src, int srcOffset, byte[] dst, int dstOffset) {
        for (int d = 0; d < offset.length; d++) {
            int code = Math.round((src[srcOffset + d] - offset[d]) / step[d]);
            dst[dstOffset + d] = (byte) Math.max(-128, Math.min(127, code));
        }
    }

    /** The per-dimension offsets (the value of code 0). */
    public float[] offsets() {
        return offset.clone();
    }

    /** The per-dimension steps (the value of one code unit). */
    public float[] steps() {
        return step.clone();
    }

    float[] stepsShared() {
        return step;
    }

    float[] offsetsShared() {
        return offset;
    }
}
