package dev.abi.vector;

/**
 * Build and search parameters of {@link HnswIndex}.
 *
 * @param m maximum links per node on the upper layers; layer 0 keeps {@code 2m}
 * @param efConstruction candidate list size while inserting
 * @param efSearch default candidate list size while searching (raised to {@code topK} when smaller)
 * @param maxTombstoneRatio deleted share of the graph above which it is rebuilt from its live nodes
 */
public record HnswParams(int m, int efConstruction, int efSearch, double maxTombstoneRatio) {

    /** M=16, efConstruction=100, efSearch=64, rebuild past 25% tombstones. */
    public static final HnswParams DEFAULTS = new HnswParams(16, 100, 64, 0.25);

    public HnswParams {
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
        return new HnswParams(m, efConstruction, ef, maxTombstoneRatio);
    }
}
