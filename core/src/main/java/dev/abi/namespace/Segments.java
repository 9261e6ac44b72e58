package dev.abi.namespace;

import dev.abi.store.Checksums;
import dev.abi.store.CorruptObjectException;
import dev.abi.store.ObjectStore;
import dev.abi.store.Operation;
import dev.abi.store.SegmentRef;
import dev.abi.store.WalCodec;
import dev.abi.vector.AdaptiveVectorIndex;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.Metric;
import dev.abi.vector.VectorIndex;
import dev.abi.vector.VectorOpsProvider;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Immutable segments of a namespace, {@code seg/{id}.bin}: a {@code base} segment holds a whole state (the snapshot
 * format), a {@code delta} segment a batch of operations (the WAL format) applied over the segments before it. Every
 * read checks the CRC32C the manifest recorded before decoding.
 */
final class Segments {

    static final String BASE = "base";
    static final String DELTA = "delta";

    private Segments() {
    }

    static VectorIndex empty(int dimension, Metric metric) {
        return AdaptiveVectorIndex.of(new FlatVectorIndex(dimension, metric, VectorOpsProvider.get(), 16));
    }

    static SegmentRef writeBase(ObjectStore objects, String root, VectorIndex state) {
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
     * The state the segments hold, in order.
     *
     * @throws CorruptObjectException naming the segment that is missing, truncated or fails its checksum
     */
    static VectorIndex load(ObjectStore objects, List<SegmentRef> segments, int dimension, Metric metric) {
        VectorIndex index = null;
        for (SegmentRef ref : segments) {
            byte[] bytes = objects.get(ref.key())
                    .orElseThrow(() -> new CorruptObjectException(ref.key(), "segment is missing")).bytes();
            if (bytes.length != ref.size() || Checksums.crc32c(bytes) != ref.crc()) {
                throw new CorruptObjectException(ref.key(), "segment does not match the CRC32C and size its manifest"
                        + " recorded (" + bytes.length + " bytes, expected " + ref.size() + ")");
            }
            if (BASE.equals(ref.kind())) {
                index = SnapshotCodec.decode(ref.key(), bytes);
            } else {
                if (index == null) {
                    index = empty(dimension, metric);
                }
                apply(index, WalCodec.decode(ref.key(), bytes));
            }
        }
        return index == null ? empty(dimension, metric) : index;
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
