package dev.abi.namespace;

import dev.abi.store.Checksums;
import dev.abi.store.CorruptObjectException;
import dev.abi.store.ObjectStore;
import dev.abi.store.Operation;
import dev.abi.store.SegmentRef;
import dev.abi.store.WalCodec;
import dev.abi.vector.AdaptiveVectorIndex;
import dev.abi.vector.CorruptSegmentException;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.HnswIndex;
import dev.abi.vector.HnswSegmentView;
import dev.abi.vector.HnswSegments;
import dev.abi.vector.LayeredVectorIndex;
import dev.abi.vector.Metric;
import dev.abi.vector.VectorIndex;
import dev.abi.vector.VectorOpsProvider;
import dev.abi.vector.ivf.ClusteredSegmentView;
import dev.abi.vector.ivf.ClusteredSegmentWriter;
import dev.abi.vector.ivf.ClusteredVectorIndex;
import dev.abi.vector.ivf.Effort;
import dev.abi.vector.ivf.RangeCache;
import dev.abi.vector.ivf.RangeReader;
import dev.abi.vector.ivf.VectorSource;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Immutable segments of a namespace, {@code seg/{id}.bin}: a {@code base} segment holds a whole state (the snapshot
 * format), a {@code graph} segment a whole state with its HNSW graph ({@link HnswSegments}; what compaction writes
 * once the state is past the graph threshold), a {@code delta} segment a batch of operations (the WAL format)
 * applied over the segments before it. Every read checks the CRC32C the manifest recorded before decoding.
 *
 * <p>A {@code cluster} segment ({@link ClusteredSegmentWriter}; what compaction writes past the cluster threshold) is
 * a header object under the segment's key, which the manifest's CRC32C covers, and part objects named after it
 * ({@code <key>.c0}, {@code .v0}, {@code .d0}...) that serving instances read by range, each range checked against
 * the CRC32C the header recorded.
 */
final class Segments {

    static final String BASE = "base";
    static final String GRAPH = "graph";
    static final String DELTA = "delta";
    static final String CLUSTER = "cluster";

    private Segments() {}

    static VectorIndex empty(int dimension, Metric metric, int graphThreshold) {
        return AdaptiveVectorIndex.of(
                new FlatVectorIndex(dimension, metric, VectorOpsProvider.get(), 16), graphThreshold);
    }

    /**
     * Writes {@code state} as one segment: with its graph once it holds {@code graphThreshold} vectors or more (the
     * graph is built here, on the indexer's thread, when the state does not have one yet), as a plain base below.
     */
    static SegmentRef writeBase(ObjectStore objects, String root, VectorIndex state, int graphThreshold) {
        return writeBase(objects, root, state, graphThreshold, Integer.MAX_VALUE);
    }

    /**
     * As {@link #writeBase(ObjectStore, String, VectorIndex, int)}; from {@code clusterThreshold} vectors, as a
     * clustered segment instead (its parts first, its header last: a crash leaves only unreferenced parts).
     */
    static SegmentRef writeBase(
            ObjectStore objects, String root, VectorIndex state, int graphThreshold, int clusterThreshold) {
        if (state.size() >= clusterThreshold && state.size() > 0) {
            String key = root + "seg/" + dev.abi.store.WalKeys.unique() + ".bin";
            byte[] header = ClusteredSegmentWriter.builder()
                    .build()
                    .write(key, VectorSource.of(state), state.dimension(), state.metric(), objects::putIfAbsent);
            objects.putIfAbsent(key, header);
            return new SegmentRef(key, header.length, Checksums.crc32c(header), CLUSTER);
        }
        HnswIndex graph =
                state instanceof AdaptiveVectorIndex adaptive ? adaptive.graphForSegment(graphThreshold) : null;
        if (graph != null) {
            return put(objects, root, HnswSegments.write(graph), GRAPH);
        }
        byte[] bytes = SnapshotCodec.encode(state.dimension(), state.metric(), 0, state, List.of(), Set.of());
        return put(objects, root, bytes, BASE);
    }

    static SegmentRef writeDelta(ObjectStore objects, String root, Collection<Operation> ops) {
        return put(objects, root, WalCodec.encode(List.copyOf(ops)), DELTA);
    }

    private static SegmentRef put(ObjectStore objects, String root, byte[] bytes, String kind) {
        String key = root + "seg/" + dev.abi.store.WalKeys.unique() + ".bin";
        objects.putIfAbsent(key, bytes);
        return new SegmentRef(key, bytes.length, Checksums.crc32c(bytes), kind);
    }

    /**
     * The state the segments hold, in order, with graph segments read into heap indexes (what the indexer, which
     * writes new graphs from them, needs).
     *
     * @throws CorruptObjectException naming the segment that is missing, truncated, fails its checksum, or is of a
     *     kind this release does not know
     */
    static VectorIndex load(
            ObjectStore objects, List<SegmentRef> segments, int dimension, Metric metric, int graphThreshold) {
        return load(objects, segments, dimension, metric, graphThreshold, false);
    }

    /**
     * As {@link #load(ObjectStore, List, int, Metric, int)}; with {@code inPlace}, a graph segment is searched where
     * it lies in the bytes read ({@link HnswSegmentView}, nothing copied or parsed per vector), under a
     * {@link LayeredVectorIndex} that takes the later segments' and the log's writes (what serving instances use).
     */
    static VectorIndex load(
            ObjectStore objects,
            List<SegmentRef> segments,
            int dimension,
            Metric metric,
            int graphThreshold,
            boolean inPlace) {
        VectorIndex index = null;
        for (SegmentRef ref : segments) {
            byte[] bytes = objects.get(ref.key())
                    .orElseThrow(() -> new CorruptObjectException(ref.key(), "segment is missing"))
                    .bytes();
            if (bytes.length != ref.size() || Checksums.crc32c(bytes) != ref.crc()) {
                throw new CorruptObjectException(
                        ref.key(),
                        "segment does not match the CRC32C and size its manifest" + " recorded (" + bytes.length
                                + " bytes, expected " + ref.size() + ")");
            }
            switch (ref.kind()) {
                case BASE -> index = AdaptiveVectorIndex.of(SnapshotCodec.decode(ref.key(), bytes), graphThreshold);
                case GRAPH -> {
                    try {
                        // the bytes were just checked against the manifest's CRC32C: the view need not do it again
                        index = inPlace
                                ? new LayeredVectorIndex(
                                        HnswSegmentView.open(ref.key(), bytes, false),
                                        empty(dimension, metric, graphThreshold))
                                : AdaptiveVectorIndex.ofGraph(HnswSegments.read(ref.key(), bytes));
                    } catch (CorruptSegmentException e) {
                        throw new CorruptObjectException(ref.key(), e.getMessage());
                    }
                }
                case CLUSTER -> {
                    try {
                        // the indexer reads every cluster once: past the cache, which it would only churn
                        ClusteredSegmentView view = ClusteredSegmentView.open(
                                ref.key(),
                                bytes,
                                inPlace ? RangeCache.shared().over(reader(objects)) : reader(objects),
                                READS,
                                Effort.DEFAULT);
                        if (inPlace) {
                            index = new ClusteredVectorIndex(view, empty(dimension, metric, graphThreshold));
                        } else {
                            VectorIndex whole = empty(dimension, metric, graphThreshold);
                            view.forEach(id -> false, v -> whole.upsert(v.id(), v.values(), v.attributes()));
                            index = whole;
                        }
                    } catch (CorruptSegmentException e) {
                        throw new CorruptObjectException(ref.key(), e.getMessage());
                    }
                }
                case DELTA -> {
                    if (index == null) {
                        index = empty(dimension, metric, graphThreshold);
                    }
                    apply(index, WalCodec.decode(ref.key(), bytes));
                }
                default ->
                    throw new CorruptObjectException(
                            ref.key(),
                            "segment kind '" + ref.kind()
                                    + "' is unknown to this release (base, graph, cluster and delta are known)");
            }
        }
        return index == null ? empty(dimension, metric, graphThreshold) : index;
    }

    /** Where clustered segments' range reads run in parallel: they wait on the store, so virtual threads. */
    private static final java.util.concurrent.Executor READS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Ranges of segment parts (serving instances put the process's {@link RangeCache} in front); a missing part is a
     * corrupt segment (it is never deleted while a manifest names its header).
     */
    static RangeReader reader(ObjectStore objects) {
        return (key, offset, length) -> {
            try {
                return objects.getRange(key, offset, length);
            } catch (dev.abi.store.ObjectNotFoundException e) {
                throw new CorruptSegmentException(key, "segment part is missing");
            }
        };
    }

    static void apply(VectorIndex index, List<Operation> ops) {
        for (Operation op : ops) {
            if (op.isDelete()) {
                index.delete(op.id());
            } else {
                index.upsert(op.id(), op.values(), op.attributes());
            }
        }
    }
}
