package dev.abi.vector.ivf;

/**
 * How hard a clustered search works: {@code nprobe} clusters read (nearest centroids first), and the {@code rerank}
 * best candidates by their int8 codes re-ranked on their full vectors. {@code nprobe == 0} means
 * {@link #probesFor(int) automatic}: 3% of the clusters, at least 8.
 *
 * @param nprobe clusters to read, or 0 for automatic
 * @param rerank candidates re-ranked exactly (at least topK are)
 */
public record Effort(int nprobe, int rerank) {

    /** The deployment default: {@code abi.index.nprobe} (0, automatic) and {@code abi.index.rerank} (100). */
    public static final Effort DEFAULT =
            new Effort(Integer.getInteger("abi.index.nprobe", 0), Integer.getInteger("abi.index.rerank", 100));

    public Effort {
        if (nprobe < 0) {
            throw new IllegalArgumentException("nprobe must be 0 (automatic) or more; got " + nprobe);
        }
        if (rerank < 1) {
            throw new IllegalArgumentException("rerank must be at least 1; got " + rerank);
        }
    }

    /** The clusters to read of a segment of {@code clusters} clusters. */
    public int probesFor(int clusters) {
        int probes = nprobe > 0 ? nprobe : Math.max(8, (int) Math.ceil(clusters * 0.03));
        return Math.min(clusters, probes);
    }
}
