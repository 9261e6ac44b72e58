package dev.abi.vector;

/**
 * Build and search parameters of {@link HnswIndex}.
 *
 * @param m maximum links per node on the upper layers; layer 0 keeps {@code 2m}
 * @param efConstruction candidate list size while inserting
 * @param efSearch default candidate list size while searching (raised to {@code topK} when smaller)
 * @param maxTombstoneRatio deleted share of the graph above which it is rebuilt from its live nodes
 * @param encoding what the graph walk reads: the float vectors, or int8 codes re-ranked on the floats
 */
public record HnswParams(int m, int efConstruction, int efSearch, double maxTombstoneRatio, VectorEncoding encoding) {

    /** M=16, efConstruction=100, efSearch=64, rebuild past 25% tombstones, float32. */
    public static final HnswParams DEFAULTS = new HnswParams(16, 100, 64, 0.25);

    /** Float32 encoding. */
    public HnswParams(int m, int efConstruction, int efSearch, double maxTombstoneRatio) {
        this(m, efConstruction, efSearch, maxTombstoneRatio, VectorEncoding.FLOAT32);
    }

    public HnswParams {
        if (encoding == null) {
            throw new IllegalArgumentException("encoding is required");
        }
        if (m < 2 || m > 512) {
            throw new IllegalArgumentException("m must be between 2 and 512, got " + m);
        }
        if (efConstruction < 1) {
            throw new IllegalArgumentException("efConstruction must be >= 1, got " + efConstruction);
        }
        if (efSearch < 1) {
            throw new IllegalArgumentException("ef must be >= 1, got " + efSearch);
        }
        if (!(maxTombstoneRatio > 0 && maxTombstoneRatio <= 1)) {
            throw new IllegalArgumentException("maxTombstoneRatio must be in (0, 1], got " + maxTombstoneRatio);
        }
    }

    /** These parameters with another default search effort. */
    public HnswParams withEfSearch(int ef) {
        return new HnswParams(m, efConstruction, ef, maxTombstoneRatio, encoding);
    }

    /** These parameters with another encoding. */
    public HnswParams withEncoding(VectorEncoding newEncoding) {
        return new HnswParams(m, efConstruction, efSearch, maxTombstoneRatio, newEncoding);
    }
}
