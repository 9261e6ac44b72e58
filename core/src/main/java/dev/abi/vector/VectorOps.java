package dev.abi.vector;

/**
 * The float kernels every index needs. Implementations are stateless and thread-safe.
 * Obtain the active one from {@link VectorOpsProvider#get()}.
 */
public interface VectorOps {

    /** Dot product of {@code q} with {@code len} floats of {@code data} starting at {@code offset}. */
    float dot(float[] q, float[] data, int offset, int len);

    /** Squared Euclidean distance of {@code q} to {@code len} floats of {@code data} starting at {@code offset}. */
    float squaredDistance(float[] q, float[] data, int offset, int len);

    /** A short name for logs and health output, e.g. {@code panama-256} or {@code scalar}. */
    String name();
}
