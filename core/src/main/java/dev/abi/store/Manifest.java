package dev.abi.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code manifest/{Long.MAX_VALUE - version:020}.json}: the segments that hold the state after log entry
 * {@code appliedThroughSeq}, committed with create-if-absent by the indexer of fencing epoch {@code epoch}.
 * Versions are contiguous and epochs never decrease with them.
 */
public record Manifest(
        long version, long epoch, long appliedThroughSeq, long commitTs, List<SegmentRef> segments, int count) {

    public Manifest {
        segments = List.copyOf(segments);
    }

    byte[] toJson() {
        ObjectNode n = Checksums.newJson()
                .put("version", version)
                .put("epoch", epoch)
                .put("appliedThroughSeq", appliedThroughSeq)
                .put("commitTs", commitTs)
                .put("count", count);
        ArrayNode segs = n.putArray("segments");
        for (SegmentRef s : segments) {
            segs.addObject()
                    .put("key", s.key())
                    .put("size", s.size())
                    .put("crc", s.crc())
                    .put("kind", s.kind());
        }
        return Checksums.sealJson(n);
    }

    static Manifest fromJson(String key, byte[] bytes) {
        JsonNode n = Checksums.openJson(key, bytes);
        try {
            List<SegmentRef> segs = new ArrayList<>();
            for (JsonNode s : n.required("segments")) {
                segs.add(new SegmentRef(
                        s.required("key").asText(),
                        s.required("size").asLong(),
                        s.required("crc").asLong(),
                        s.required("kind").asText()));
            }
            return new Manifest(
                    n.required("version").asLong(),
                    n.required("epoch").asLong(),
                    n.required("appliedThroughSeq").asLong(),
                    n.required("commitTs").asLong(),
                    segs,
                    n.required("count").asInt());
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(key, "malformed manifest: " + e.getMessage());
        }
    }
}
