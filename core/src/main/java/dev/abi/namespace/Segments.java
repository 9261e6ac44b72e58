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
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Immutable segments of a namespace, {@code seg/{id}.bin}: a {@code base} segment holds a whole state (the snapshot
 * format), a {@code graph} segment a whole state with its HNSW graph ({@link HnswSegments}; what compaction writes
 * once the state is past the graph threshold), a {@code delta} segment a batch of operations (the WAL format)
 * applied over the segments before it. Every read checks the CRC32C the manifest recorded before decoding.
 */
final class Segments {

    static final String BASE = "base";
    static final String GRAPH = "graph";
    static final String DELTA = "delta";

    private Segments() {
    }

    static VectorIndex empty(int dimension, Metric metric, int graphThreshold) {
        return AdaptiveVectorIndex.of(new FlatVectorIndex(dimension, metric, VectorOpsProvider.get(), 16),
                graphThreshold);
    }

    /**
     * Writes {@code state} as one segment: with its graph once it holds {@code graphThreshold} vectors or more (the
     * graph is built here, on the indexer's thread, when the state does not have one yet), as a plain base below.
     */
    static SegmentRef writeBase(ObjectStore objects, String root, VectorIndex state, int graphThreshold) {
        HnswIndex graph = state instanceof AdaptiveVectorIndex adaptive ? adaptive.graphForSegment(graphThreshold)
                : null;
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
    static VectorIndex load(ObjectStore objects, List<SegmentRef> segments, int dimension, Metric metric,
            int graphThreshold) {
        return load(objects, segments, dimension, metric, graphThreshold, false);
    }

    /**
     * As {@link #load(ObjectStore, List, int, Metric, int)}; with {@code inPlace}, a graph segment is searched where
     * it lies in the bytes read ({@link HnswSegmentView}, nothing copied or parsed per vector), under a
     * {@link LayeredVectorIndex} that takes the later segments' and the log's writes (what serving instances use).
     */
    static VectorIndex load(ObjectStore objects, List<SegmentRef> segments, int dimension, Metric metric,
            int graphThreshold, boolean inPlace) {
        VectorIndex index = null;
        for (SegmentRef ref : segments) {
            byte[] bytes = objects.get(ref.key())
                    .orElseThrow(() -> new CorruptObjectException(ref.key(), "segment is missing")).bytes();
            if (bytes.length != ref.size() || Checksums.crc32c(bytes) != ref.crc()) {
                throw new CorruptObjectException(ref.key(), "segment does not match the CRC32C and size its manifest"
                        + " recorded (" + bytes.length + " bytes, expected " + ref.size() + ")");
            }
            switch (ref.kind()) {
                case BASE -> index = AdaptiveVectorIndex.of(SnapshotCodec.decode(ref.key(), bytes), graphThreshold);
                case GRAPH -> {
                    try {
                        // the bytes were just checked against the manifest's CRC32C: the view need not do it again
                        index = inPlace ? new LayeredVectorIndex(HnswSegmentView.open(ref.key(), bytes, false),
                                empty(dimension, metric, graphThreshold))
                                : AdaptiveVectorIndex.ofGraph(HnswSegments.read(ref.key(), bytes));
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
                default -> throw new CorruptObjectException(ref.key(), "segment kind '" + ref.kind()
                        + "' is unknown to this release (base, graph and delta are known)");
            }
        }
        return index == null ? empty(dimension, metric, graphThreshold) : index;
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
