package dev.abi.vector;

/**
 * The float kernels every index needs. Implementations are stateless and thread-safe.
 * Obtain the active one from {@link VectorOpsProvider#get()}.
 */
public interface VectorOps {

    /** Dot product of {@code q} with {@code len} floats of {@code data} starting at {@code offset}. */
    default float dot(float[] q, float[] data, int offset, int len) {
        return dot(q, 0, data, offset, len);
    }

    /** Squared Euclidean distance of {@code q} to {@code len} floats of {@code data} starting at {@code offset}. */
    default float squaredDistance(float[] q, float[] data, int offset, int len) {
        return squaredDistance(q, 0, data, offset, len);
    }

    /** Dot product of {@code len} floats of {@code a} from {@code aOffset} and of {@code b} from {@code bOffset}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int len);

    /** Squared Euclidean distance of {@code len} floats of {@code a} from {@code aOffset} and of {@code b}. */
    float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int len);

    /** A short name for logs and health output, e.g. {@code panama-256} or {@code scalar}. */
    String name();
}
