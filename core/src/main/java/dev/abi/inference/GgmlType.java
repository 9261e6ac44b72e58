package dev.abi.inference;

/**
 * Tensor element types of GGUF files (ggml's type ids), with their block geometry: {@code blockSize} elements are
 * stored in {@code typeSize} bytes. Types this release can compute with say so in {@link #supported()}.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q4_1(3, 32, 20, true),
    Q5_0(6, 32, 22, true),
    Q5_1(7, 32, 24, true),
    Q8_0(8, 32, 34, true),
    Q8_1(9, 32, 36, false),
    Q2_K(10, 256, 84, false),
    Q3_K(11, 256, 110, false),
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, true),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    BF16(30, 1, 2, true);

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean supported;

    GgmlType(int id, int blockSize, int typeSize, boolean supported) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.supported = supported;
    }

    public int id() {
        return id;
    }

    public int blockSize() {
        return blockSize;
    }

    public int typeSize() {
        return typeSize;
    }

    /** Whether this release has kernels for the type. */
    public boolean supported() {
        return supported;
    }

    /** Bytes of {@code elements} elements, or -1 when they do not fill whole blocks or overflow. */
    public long bytesFor(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            return -1;
        }
        long blocks = elements / blockSize;
        return blocks > Long.MAX_VALUE / typeSize ? -1 : blocks * typeSize;
    }

    /** The type of a ggml type id, or null when the id is unknown. */
    public static GgmlType byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
