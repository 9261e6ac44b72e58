package dev.abi.vector;

/**
 * The distance kernels of the vector indexes: float vectors on the heap, little-endian floats read in place from a
 * segment, int8 codes, and transposed panels. Implementations ({@link PanamaVectorOps} on the Vector API,
 * {@link ScalarVectorOps} in plain Java) are stateless and thread-safe. Obtain the active one from
 * {@link VectorOpsProvider#get()}. (Inference has kernels of its own: {@code dev.abi.inference.InferenceKernels}.)
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

    /**
     * Dot product of {@code q} with {@code len} little-endian floats stored in {@code bytes} from {@code byteOffset}
     * (a segment's vector column, read in place).
     */
    float dotStored(float[] q, byte[] bytes, int byteOffset, int len);

    /** Squared l2 distance of {@code q} to {@code len} little-endian floats stored in {@code bytes}. */
    float squaredDistanceStored(float[] q, byte[] bytes, int byteOffset, int len);

    /** {@link #dotStored} of four stored vectors (byte offsets {@code o0..o3}) at once, into {@code out[at..at+3]}. */
    void dot4Stored(float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out, int at);

    /** {@link #squaredDistanceStored} of four stored vectors at once, into {@code out[at..at+3]}. */
    void squaredDistance4Stored(float[] q, byte[] bytes, int o0, int o1, int o2, int o3, int len, float[] out, int at);

    /**
     * Dot products of {@code q} with four vectors of {@code data} at once (offsets {@code o0..o3}), into
     * {@code out[at..at+3]}. One pass over the query serves four vectors, and their loads overlap.
     */
    void dot4(float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out, int at);

    /** Squared distances of {@code q} to four vectors of {@code data} at once, as {@link #dot4}. */
    void squaredDistance4(float[] q, float[] data, int o0, int o1, int o2, int o3, int len, float[] out, int at);

    /**
     * Dot product of {@code v} with {@code len} signed 8-bit codes of {@code codes} from {@code offset}, each code
     * taken as its integer value.
     */
    float dotInt8(float[] v, byte[] codes, int offset, int len);

    /**
     * Squared distance between {@code u} and the codes scaled per dimension: the sum over d of
     * {@code (u[d] - scale[d] * codes[offset + d])^2}.
     */
    float squaredDistanceInt8(float[] u, float[] scale, byte[] codes, int offset, int len);

    /** {@link #dotInt8} against four code vectors at once (offsets {@code o0..o3}), into {@code out[at..at+3]}. */
    void dotInt8x4(float[] v, byte[] codes, int o0, int o1, int o2, int o3, int len, float[] out, int at);

    /** {@link #squaredDistanceInt8} against four code vectors at once, as {@link #dotInt8x4}. */
    void squaredDistanceInt8x4(
            float[] u, float[] scale, byte[] codes, int o0, int o1, int o2, int o3, int len, float[] out, int at);

    /**
     * Vectors per panel of {@link #dotPanel}: two vectors' worth of lanes on the Vector API (32 at 512 bits), so
     * that a panel's accumulators stay in registers.
     */
    int panelWidth();

    /**
     * Dot products of {@code q} with the {@link #panelWidth()} vectors of a panel: vectors stored transposed
     * ({@code panel[offset + k * panelWidth() + j]} is element k of vector j), so each output lane accumulates one
     * vector and no horizontal sums are needed. Results go to {@code out[0..panelWidth())}.
     */
    void dotPanel(float[] q, float[] panel, int offset, int len, float[] out);

    /** As {@link #dotPanel}, for squared Euclidean distances. */
    void squaredDistancePanel(float[] q, float[] panel, int offset, int len, float[] out);

    /** A short name for logs and health output, e.g. {@code panama-256} or {@code scalar}. */
    String name();
}
