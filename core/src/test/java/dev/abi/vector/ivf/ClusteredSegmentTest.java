package dev.abi.vector.ivf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.vector.CorruptSegmentException;
import dev.abi.vector.Filter;
import dev.abi.vector.FilterParser;
import dev.abi.vector.FlatVectorIndex;
import dev.abi.vector.Metric;
import dev.abi.vector.SearchHit;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorOpsProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The clustered segment on its own: written from an index, searched by ranges, checked on every read. */
class ClusteredSegmentTest {

    static final int DIM = 16;

    /** Parts in memory, and a reader over them that counts its reads. */
    static final class Parts implements SegmentSink, RangeReader {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public void put(String key, byte[] bytes) {
            if (objects.putIfAbsent(key, bytes) != null) {
                throw new IllegalStateException(key + " exists");
            }
        }

        @Override
        public byte[] read(String key, long offset, int length) {
            reads.incrementAndGet();
            byte[] all = objects.get(key);
            if (all == null) {
                throw new IllegalStateException("no object " + key);
            }
            int from = (int) Math.min(offset, all.length);
            return Arrays.copyOfRange(all, from, Math.min(all.length, from + length));
        }
    }

    static float[][] clustered(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[][] centres = new float[20][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) r.nextGaussian() * 3;
            }
        }
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            float[] c = centres[r.nextInt(centres.length)];
            for (int d = 0; d < dim; d++) {
                out[i][d] = c[d] + (float) r.nextGaussian();
            }
        }
        return out;
    }

    static FlatVectorIndex index(float[][] data, Metric metric) {
        FlatVectorIndex index = new FlatVectorIndex(data[0].length, metric, VectorOpsProvider.get(), 16);
        for (int i = 0; i < data.length; i++) {
            index.upsert("v" + i, data[i], Map.of("group", (long) (i % 5), "i", (long) i));
        }
        return index;
    }

    static ClusteredSegmentView write(Parts parts, FlatVectorIndex index, ClusteredSegmentWriter writer) {
        byte[] header = writer.write("seg/x.bin", VectorSource.of(index), index.dimension(), index.metric(), parts);
        return ClusteredSegmentView.open("seg/x.bin", header, parts, Runnable::run, Effort.DEFAULT);
    }

    private static double recallAt10(
            ClusteredSegmentView view, FlatVectorIndex exact, float[][] queries, Effort effort) {
        int found = 0;
        for (float[] q : queries) {
            Set<String> truth = new HashSet<>();
            exact.search(q, 10, Filter.ALL).forEach(h -> truth.add(h.id()));
            for (SearchHit h : view.search(q, 10, Filter.ALL, id -> false, effort)) {
                found += truth.contains(h.id()) ? 1 : 0;
            }
        }
        return found / (10.0 * queries.length);
    }

    @Test
    void searchesNearlyAsTheExactScanDoesForEachMetric() {
        float[][] data = clustered(4000, DIM, 1);
        float[][] queries = clustered(50, DIM, 2);
        for (Metric metric : Metric.values()) {
            FlatVectorIndex exact = index(data, metric);
            Parts parts = new Parts();
            ClusteredSegmentView view =
                    write(parts, exact, ClusteredSegmentWriter.builder().build());
            assertTrue(
                    view.clusters() >= 63, "sqrt(4000) clusters, more once large ones are split: " + view.clusters());
            double recall = recallAt10(view, exact, queries, new Effort(16, 100));
            assertTrue(recall >= 0.95, metric + " recall@10 " + recall);
            List<SearchHit> self = view.search(data[123], 3, Filter.ALL, id -> false);
            if (metric != Metric.DOT) { // the nearest by dot product need not be the vector itself
                assertEquals("v123", self.get(0).id(), metric + ": " + self);
            }
            List<SearchHit> truth = exact.search(data[123], 3, Filter.ALL);
            assertEquals(
                    truth.get(0).distance(), self.get(0).distance(), 1e-4, metric + ": re-ranked distances are exact");
        }
    }

    @Test
    void probingOneClusterFindsLessThanProbingMany() {
        float[][] data = clustered(4000, DIM, 3);
        float[][] queries = clustered(50, DIM, 4);
        FlatVectorIndex exact = index(data, Metric.L2);
        ClusteredSegmentView view = write(
                new Parts(),
                exact,
                ClusteredSegmentWriter.builder().clusters(64).build());
        double one = recallAt10(view, exact, queries, new Effort(1, 100));
        double many = recallAt10(view, exact, queries, new Effort(24, 100));
        assertTrue(one < many, "nprobe 1 gives " + one + ", 24 gives " + many);
        assertTrue(many >= 0.95, "recall at nprobe 24: " + many);
    }

    @Test
    void noClusterGrowsPastItsCap() {
        // few true blobs and many clusters: plain nearest-centroid assignment piles vectors into some clusters
        float[][] data = clustered(4000, DIM, 12);
        Parts parts = new Parts();
        FlatVectorIndex index = index(data, Metric.L2);
        byte[] header = ClusteredSegmentWriter.builder()
                .clusters(100)
                .maxClusterFactor(1.5)
                .build()
                .write("seg/x.bin", VectorSource.of(index), DIM, Metric.L2, parts);
        ClusterHeader h = ClusterHeader.decode("seg/x.bin", header);
        int largest = java.util.Arrays.stream(h.size).max().orElseThrow();
        assertTrue(largest <= 60, "largest cluster " + largest + " of a cap of 1.5 x 40");
        byte[] plain = ClusteredSegmentWriter.builder()
                .clusters(100)
                .maxClusterFactor(Double.POSITIVE_INFINITY)
                .splitFactor(Double.POSITIVE_INFINITY)
                .build()
                .write("seg/y.bin", VectorSource.of(index), DIM, Metric.L2, new Parts());
        assertTrue(
                java.util.Arrays.stream(ClusterHeader.decode("seg/y.bin", plain).size)
                                .max()
                                .orElseThrow()
                        > 60,
                "without the cap some cluster is larger (else this test shows nothing)");
        ClusteredSegmentView view =
                ClusteredSegmentView.open("seg/x.bin", header, parts, Runnable::run, Effort.DEFAULT);
        assertTrue(recallAt10(view, index, clustered(30, DIM, 13), new Effort(20, 100)) >= 0.9);
    }

    /**
     * Skewed data as embeddings make it: many overlapping blobs of very unequal sizes in more dimensions than the
     * blobs are apart (noise dominates the distance), where plain k-means leaves "hub" clusters many times the mean.
     */
    static float[][] skewed(int n, int dim, long seed) {
        Random r = new Random(seed);
        int blobs = 60;
        float[][] centres = new float[blobs][dim];
        double[] cumulative = new double[blobs];
        double total = 0;
        for (int b = 0; b < blobs; b++) {
            for (int d = 0; d < dim; d++) {
                centres[b][d] = (float) (r.nextGaussian() * 0.7);
            }
            total += 1.0 / (b + 1); // Zipf-like blob sizes: the first blob is 60 times the last
            cumulative[b] = total;
        }
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            double pick = r.nextDouble() * total;
            int b = 0;
            while (cumulative[b] < pick) {
                b++;
            }
            for (int d = 0; d < dim; d++) {
                out[i][d] = centres[b][d] + (float) r.nextGaussian();
            }
        }
        return out;
    }

    @Test
    void builtClustersAreBalancedOnSkewedData() {
        int n = 6000;
        float[][] data = skewed(n, 64, 31);
        FlatVectorIndex index = index(data, Metric.L2);
        Parts parts = new Parts();
        byte[] header = ClusteredSegmentWriter.builder()
                .clusters(60)
                .build()
                .write("seg/x.bin", VectorSource.of(index), 64, Metric.L2, parts);
        ClusterHeader h = ClusterHeader.decode("seg/x.bin", header);
        int largest = Arrays.stream(h.size).max().orElseThrow();
        double mean = (double) n / h.clusters;
        // the default split factor is 1.25 of the requested clusters' mean (1.6 x the final mean here); plain k-means
        // leaves 3.4 x on this data
        assertTrue(
                largest <= 2 * mean,
                "largest cluster " + largest + " of " + h.clusters + " (mean " + mean + "): "
                        + Arrays.toString(h.size));
        assertEquals(n, Arrays.stream(h.size).sum());
        ClusteredSegmentView view =
                ClusteredSegmentView.open("seg/x.bin", header, parts, Runnable::run, Effort.DEFAULT);
        float[][] queries = Arrays.copyOf(skewed(n + 30, 64, 31), n + 30);
        // a quarter of the clusters: in 64 dimensions these blobs overlap, and a query's neighbours lie in several
        double recall = recallAt10(
                view, index, Arrays.copyOfRange(queries, n, n + 30), new Effort(Math.max(8, h.clusters / 4), 100));
        assertTrue(recall >= 0.9, "recall@10 " + recall + " over " + h.clusters + " clusters");
    }

    /**
     * The sample is a twentieth of the set, as 50,000 of 1M in the benchmark: the splits on it leave clusters within
     * 1.25x the mean there, but the full assignment makes hubs the sample did not show (on this data, without the
     * splits of the full assignment, the largest cluster is 245, 2.5x the requested mean; with them 77). The writer splits them again on their
     * full counts, and every vector stays findable.
     */
    @Test
    void clustersOfTheFullAssignmentAreBalancedWhenTheSampleIsSmall() {
        int n = 6000;
        float[][] data = skewed(n, 64, 31);
        FlatVectorIndex index = index(data, Metric.L2);
        Parts parts = new Parts();
        byte[] header = ClusteredSegmentWriter.builder()
                .clusters(60)
                .trainingVectors(n / 20)
                .build()
                .write("seg/x.bin", VectorSource.of(index), 64, Metric.L2, parts);
        ClusterHeader h = ClusterHeader.decode("seg/x.bin", header);
        int largest = Arrays.stream(h.size).max().orElseThrow();
        // the requested clusters' mean is 100; the sample's splits add clusters, so the full splits at 1.25x the
        // trained mean (largest 77 of 180 clusters here; 245 of 96 without them) stay under 1.25x it too
        double limit = 1.25 * n / 60;
        assertTrue(
                largest <= limit,
                "largest full cluster " + largest + " of " + h.clusters + " (limit " + limit + "): "
                        + Arrays.toString(h.size));
        assertEquals(n, Arrays.stream(h.size).sum());
        ClusteredSegmentView view =
                ClusteredSegmentView.open("seg/x.bin", header, parts, Runnable::run, Effort.DEFAULT);
        float[][] queries = Arrays.copyOfRange(skewed(n + 30, 64, 31), n, n + 30);
        double recall = recallAt10(view, index, queries, new Effort(Math.max(8, h.clusters / 4), 100));
        assertTrue(recall >= 0.9, "recall@10 " + recall + " over " + h.clusters + " clusters");
        for (int i = 0; i < n; i++) { // every vector lies in its nearest centroid's cluster: one probe finds it
            List<SearchHit> self = view.search(data[i], 1, Filter.ALL, id -> false, new Effort(1, 10));
            assertEquals("v" + i, self.get(0).id(), "vector " + i + " with one probe");
        }
    }

    @Test
    void splittingLargeClustersAddsClustersAndShrinksTheLargest() {
        float[][] data = clustered(4000, DIM, 12);
        FlatVectorIndex index = index(data, Metric.L2);
        byte[] plain = ClusteredSegmentWriter.builder()
                .clusters(100)
                .splitFactor(Double.POSITIVE_INFINITY)
                .build()
                .write("seg/y.bin", VectorSource.of(index), DIM, Metric.L2, new Parts());
        Parts parts = new Parts();
        byte[] split = ClusteredSegmentWriter.builder()
                .clusters(100)
                .splitFactor(1.5)
                .build()
                .write("seg/x.bin", VectorSource.of(index), DIM, Metric.L2, parts);
        ClusterHeader p = ClusterHeader.decode("seg/y.bin", plain);
        ClusterHeader h = ClusterHeader.decode("seg/x.bin", split);
        int largestPlain = Arrays.stream(p.size).max().orElseThrow();
        int largestSplit = Arrays.stream(h.size).max().orElseThrow();
        assertTrue(h.clusters > p.clusters, h.clusters + " clusters after the split, " + p.clusters + " before");
        assertTrue(largestSplit < largestPlain, "largest " + largestSplit + " after, " + largestPlain + " before");
        ClusteredSegmentView view = ClusteredSegmentView.open("seg/x.bin", split, parts, Runnable::run, Effort.DEFAULT);
        assertTrue(recallAt10(view, index, clustered(30, DIM, 13), new Effort(20, 100)) >= 0.9);
        assertThrows(
                IllegalArgumentException.class,
                () -> ClusteredSegmentWriter.builder().splitFactor(0.5));
    }

    @Test
    void filtersHiddenIdsGetAndForEachSeeStoredAttributes() {
        float[][] data = clustered(3000, DIM, 5);
        FlatVectorIndex exact = index(data, Metric.COSINE);
        Parts parts = new Parts();
        // small parts: clusters and vectors spread over several objects
        ClusteredSegmentView view = write(
                parts, exact, ClusteredSegmentWriter.builder().partBytes(20_000).build());
        assertTrue(
                parts.objects.keySet().stream().filter(k -> k.contains(".c")).count() > 3,
                parts.objects.keySet().toString());
        assertTrue(parts.objects.keySet().stream().filter(k -> k.contains(".v")).count() > 3);

        Filter three = FilterParser.parse(Map.of("group", Map.of("$eq", 3)));
        List<SearchHit> hits = view.search(data[8], 10, three, id -> false);
        assertEquals(10, hits.size());
        for (SearchHit h : hits) {
            assertEquals(3, Integer.parseInt(h.id().substring(1)) % 5, "filter holds: " + h);
        }
        // a filter matching a single vector widens the probes until it is found
        Filter one = FilterParser.parse(Map.of("i", Map.of("$eq", 2999)));
        assertEquals(
                List.of("v2999"),
                view.search(data[0], 10, one, id -> false).stream()
                        .map(SearchHit::id)
                        .toList());

        assertFalse(
                view.search(data[8], 10, Filter.ALL, id -> id.equals("v8")).stream()
                        .anyMatch(h -> h.id().equals("v8")),
                "a hidden id is never answered");

        StoredVector v = view.get("v77").orElseThrow();
        assertArrayEquals(data[77], v.values());
        assertEquals(77L, ((Number) v.attributes().get("i")).longValue());
        assertTrue(view.get("nope").isEmpty());
        assertTrue(view.contains("v0"));

        List<String> seen = new ArrayList<>();
        view.forEach(id -> id.equals("v5"), s -> seen.add(s.id()));
        assertEquals(2999, seen.size());
        assertFalse(seen.contains("v5"));
    }

    @Test
    void aColdSearchReadsTheProbedClustersAndTheCandidatesOnly() {
        float[][] data = clustered(4000, DIM, 6);
        Parts parts = new Parts();
        ClusteredSegmentView view = write(
                parts, index(data, Metric.L2), ClusteredSegmentWriter.builder().build());
        parts.reads.set(0);
        view.search(data[1], 10, Filter.ALL, id -> false, new Effort(8, 40));
        assertEquals(8 + 40, parts.reads.get(), "one read per probed cluster and per re-ranked candidate");
    }

    @Test
    void aDamagedClusterOrVectorIsATypedErrorNamingTheSegment() {
        float[][] data = clustered(2000, DIM, 7);
        Parts parts = new Parts();
        ClusteredSegmentView view = write(
                parts, index(data, Metric.L2), ClusteredSegmentWriter.builder().build());
        byte[] blocks = parts.objects.get("seg/x.bin.c0");
        blocks[blocks.length / 3] ^= 0x04;
        CorruptSegmentException e = assertThrows(
                CorruptSegmentException.class,
                () -> view.search(data[0], 10, Filter.ALL, id -> false, new Effort(1000, 10)));
        assertEquals("seg/x.bin", e.segment());
        assertTrue(e.getMessage().contains("cluster"), e.getMessage());
        blocks[blocks.length / 3] ^= 0x04;

        byte[] vectors = parts.objects.get("seg/x.bin.v0");
        Arrays.fill(vectors, 0, vectors.length, (byte) 0);
        e = assertThrows(CorruptSegmentException.class, () -> view.search(data[0], 10, Filter.ALL, id -> false));
        assertTrue(e.getMessage().contains("vector"), e.getMessage());
    }

    @Test
    void aDamagedHeaderDoesNotOpen() {
        float[][] data = clustered(500, DIM, 8);
        Parts parts = new Parts();
        FlatVectorIndex index = index(data, Metric.L2);
        byte[] header = ClusteredSegmentWriter.builder()
                .build()
                .write("seg/x.bin", VectorSource.of(index), DIM, Metric.L2, parts);
        header[40] ^= 1;
        assertThrows(
                CorruptSegmentException.class,
                () -> ClusteredSegmentView.open("seg/x.bin", header, parts, Runnable::run, Effort.DEFAULT));
        assertThrows(
                CorruptSegmentException.class,
                () -> ClusteredSegmentView.open(
                        "seg/x.bin", Arrays.copyOf(header, 100), parts, Runnable::run, Effort.DEFAULT));
    }

    @Test
    void aBadCachedCopyIsReadAgainFromTheSource() {
        float[][] data = clustered(1000, DIM, 9);
        Parts parts = new Parts();
        FlatVectorIndex index = index(data, Metric.L2);
        byte[] header = ClusteredSegmentWriter.builder()
                .build()
                .write("seg/x.bin", VectorSource.of(index), DIM, Metric.L2, parts);
        Set<String> evicted = ConcurrentHashMap.newKeySet();
        RangeReader flaky = new RangeReader() { // a cache whose copies are damaged until evicted
                    @Override
                    public byte[] read(String key, long offset, int length) {
                        byte[] b = parts.read(key, offset, length);
                        if (!evicted.contains(key + offset)) {
                            b[0] ^= 1;
                        }
                        return b;
                    }

                    @Override
                    public void evict(String key, long offset, int length) {
                        evicted.add(key + offset);
                    }
                };
        ClusteredSegmentView view =
                ClusteredSegmentView.open("seg/x.bin", header, flaky, Runnable::run, Effort.DEFAULT);
        assertEquals(
                "v3", view.search(data[3], 1, Filter.ALL, id -> false).get(0).id());
        assertFalse(evicted.isEmpty());
    }

    @Test
    void badWriterInputIsRefusedNamingTheField() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ClusteredSegmentWriter.builder().partBytes(0));
        assertThrows(IllegalArgumentException.class, () -> new Effort(-1, 10));
        FlatVectorIndex empty = new FlatVectorIndex(DIM, Metric.L2, VectorOpsProvider.get(), 16);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ClusteredSegmentWriter.builder()
                        .build()
                        .write("seg/x.bin", VectorSource.of(empty), DIM, Metric.L2, new Parts()));
        assertTrue(e.getMessage().contains("at least one vector"), e.getMessage());
        ClusteredSegmentView view = write(
                new Parts(),
                index(clustered(100, DIM, 1), Metric.L2),
                ClusteredSegmentWriter.builder().build());
        assertThrows(IllegalArgumentException.class, () -> view.search(new float[3], 10, Filter.ALL, id -> false));
    }
}
