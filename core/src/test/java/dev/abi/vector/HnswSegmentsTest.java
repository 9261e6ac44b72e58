package dev.abi.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HnswSegmentsTest {

    private static final int DIM = 16;

    private static HnswIndex built(VectorEncoding encoding) {
        float[][] data = HnswIndexTest.clustered(5_000, DIM, 31, false);
        HnswIndex index = new HnswIndex(
                DIM, Metric.COSINE, HnswParams.DEFAULTS.withEncoding(encoding), VectorOpsProvider.get(), 64);
        List<StoredVector> batch = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            batch.add(new StoredVector("v" + i, data[i], Map.of("i", i, "tag", i % 2 == 0 ? "even" : "odd")));
        }
        index.upsertAll(batch);
        for (int i = 0; i < 300; i++) {
            index.delete("v" + i); // tombstones travel with the segment (below the rebuild ratio)
        }
        return index;
    }

    @ParameterizedTest
    @EnumSource(VectorEncoding.class)
    void roundTripIsBitExactAndSearchesTheSame(VectorEncoding encoding) {
        HnswIndex original = built(encoding);
        byte[] segment = HnswSegments.write(original);
        HnswIndex read = HnswSegments.read("ns/docs/seg/1", segment);
        assertArrayEquals(segment, HnswSegments.write(read), "writing what was read gives the same bytes");
        assertEquals(original.size(), read.size());
        assertEquals(encoding, read.encoding());
        StoredVector before = original.get("v4000").orElseThrow();
        StoredVector after = read.get("v4000").orElseThrow();
        assertArrayEquals(before.values(), after.values());
        assertEquals(before.attributes(), after.attributes());
        assertTrue(read.get("v10").isEmpty(), "a deleted id stays deleted");
        float[][] queries = HnswIndexTest.clustered(20, DIM, 32, false);
        Filter even = FilterParser.parse(Map.of("tag", Map.of("$eq", "even")));
        for (float[] q : queries) {
            assertSameHits(original.search(q, 10, Filter.ALL), read.search(q, 10, Filter.ALL));
            assertSameHits(original.search(q, 10, even), read.search(q, 10, even));
        }
        assertArrayEquals(segment, HnswSegments.write(read), "attributes parsed by the filter are written as read");
        // The read index keeps taking writes.
        read.upsert("new", queries[0], Map.of());
        assertEquals("new", read.search(queries[0], 1, Filter.ALL).get(0).id());
    }

    @ParameterizedTest
    @EnumSource(VectorEncoding.class)
    void truncatedOrFlippedSegmentsAreTypedErrorsNamingTheSegment(VectorEncoding encoding) {
        byte[] segment = HnswSegments.write(built(encoding));
        Random random = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            byte[] damaged;
            if (trial % 2 == 0) {
                damaged = Arrays.copyOf(segment, random.nextInt(segment.length));
            } else {
                damaged = segment.clone();
                int at = random.nextInt(damaged.length);
                damaged[at] ^= (byte) (1 << random.nextInt(8));
            }
            byte[] input = damaged;
            CorruptSegmentException e =
                    assertThrows(CorruptSegmentException.class, () -> HnswSegments.read("ns/docs/seg/7", input));
            assertEquals("ns/docs/seg/7", e.segment());
            assertTrue(e.getMessage().startsWith("segment ns/docs/seg/7: "), e.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void aMappedFileReadsAsTheBytesDo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        HnswIndex original = built(VectorEncoding.INT8);
        byte[] segment = HnswSegments.write(original);
        Path file = dir.resolve("seg.bin");
        Files.write(file, segment);
        HnswIndex mapped;
        try (var channel = FileChannel.open(file)) {
            mapped = HnswSegments.read(file.toString(), channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
        }
        assertArrayEquals(segment, HnswSegments.write(mapped));
        float[] q = HnswIndexTest.clustered(1, DIM, 33, false)[0];
        assertEquals(original.search(q, 10, Filter.ALL), mapped.search(q, 10, Filter.ALL));
    }

    @org.junit.jupiter.api.Test
    void aHeaderClaimingMoreThanTheSegmentHoldsIsRefusedBeforeAnyAllocation() {
        byte[] segment = HnswSegments.write(built(VectorEncoding.FLOAT32));
        int countAt = 7 + 1 + 4 + 1 + 1 + 2 + 4 + 4 + 8; // magic, format, dimension, metric, encoding, m, ef, ef, ratio
        for (int hostile : new int[] {Integer.MAX_VALUE, 1 << 30, -1}) {
            byte[] damaged = segment.clone();
            ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putInt(countAt, hostile);
            CorruptSegmentException e =
                    assertThrows(CorruptSegmentException.class, () -> HnswSegments.read("ns/docs/seg/9", damaged));
            assertTrue(e.getMessage().contains("header"), e.getMessage());
        }
    }

    /**
     * The same hits with the same distances to rounding: a kernel's lane sums may be ordered differently before and
     * after the JIT compiles it, which moves the last bits.
     */
    static void assertSameHits(List<SearchHit> expected, List<SearchHit> actual) {
        Map<String, Float> byId = new HashMap<>();
        expected.forEach(h -> byId.put(h.id(), h.distance()));
        assertEquals(expected.size(), actual.size());
        for (SearchHit h : actual) {
            assertTrue(byId.containsKey(h.id()), h.id() + " is not among " + expected);
            assertEquals(byId.get(h.id()), h.distance(), 1e-5f * Math.max(1f, Math.abs(h.distance())));
        }
    }
}
