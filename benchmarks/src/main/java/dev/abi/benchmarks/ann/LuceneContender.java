package dev.abi.benchmarks.ann;

import dev.abi.vector.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues;

/**
 * {@code org.apache.lucene:lucene-core:10.6.0}: HNSW through {@code KnnFloatVectorField} (M=16, beam width 100), on
 * float32 or with the 7-bit scalar-quantized format. Documents are added from {@code threads} threads and merged to
 * one segment with {@code threads} merge workers; the index lives in an {@link MMapDirectory} under a temp folder.
 */
final class LuceneContender implements Contender {

    private final boolean quantized;
    private Path folder;
    private Directory directory;
    private DirectoryReader reader;
    private IndexSearcher searcher;
    private int[] ordinalOfDoc;
    private long searchedBytes;

    LuceneContender(boolean quantized) {
        this.quantized = quantized;
    }

    @Override
    public String name() {
        return quantized ? "lucene-hnsw-sq7" : "lucene-hnsw-f32";
    }

    @Override
    public void build(Dataset data, int threads) throws Exception {
        folder = Files.createTempDirectory("abi-bench-lucene");
        directory = new MMapDirectory(folder);
        ExecutorService mergeWorkers = Executors.newFixedThreadPool(threads);
        KnnVectorsFormat format = quantized
                ? new Lucene104HnswScalarQuantizedVectorsFormat(
                        QuantizedByteVectorValues.ScalarEncoding.SEVEN_BIT, 16, 100, threads, mergeWorkers)
                : new Lucene99HnswVectorsFormat(16, 100, threads, mergeWorkers);
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(new Lucene104Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return format;
                    }
                })
                .setRAMBufferSizeMB(4096)
                .setUseCompoundFile(false);
        VectorSimilarityFunction similarity =
                data.metric() == Metric.L2 ? VectorSimilarityFunction.EUCLIDEAN : VectorSimilarityFunction.DOT_PRODUCT;
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            AtomicInteger next = new AtomicInteger();
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Thread(() -> {
                    try {
                        for (int i; (i = next.getAndIncrement()) < data.base().length; ) {
                            Document doc = new Document();
                            doc.add(new KnnFloatVectorField("v", data.base()[i], similarity));
                            doc.add(new StoredField("i", i));
                            writer.addDocument(doc);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            writer.forceMerge(1);
        } finally {
            mergeWorkers.shutdown();
        }
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null);
        LeafReader leaf = reader.leaves().get(0).reader();
        StoredFields stored = leaf.storedFields();
        ordinalOfDoc = new int[leaf.maxDoc()];
        for (int doc = 0; doc < leaf.maxDoc(); doc++) {
            ordinalOfDoc[doc] =
                    stored.document(doc).getField("i").numericValue().intValue();
        }
        searchedBytes = 0;
        for (String file : directory.listAll()) {
            // .vex: graph, .vec: floats, .veq: quantized codes. The quantized format searches codes only; its floats
            // are kept for merges and re-scoring.
            if (file.endsWith(".vex") || file.endsWith(".veq") || (!quantized && file.endsWith(".vec"))) {
                searchedBytes += directory.fileLength(file);
            }
        }
    }

    @Override
    public int[] search(float[] query, int k, int effort) throws IOException {
        TopDocs top = searcher.search(new KnnFloatVectorQuery("v", query, Math.max(k, effort)), k);
        int[] out = new int[top.scoreDocs.length];
        int i = 0;
        for (ScoreDoc sd : top.scoreDocs) {
            out[i++] = ordinalOfDoc[sd.doc];
        }
        return out;
    }

    @Override
    public long indexBytes() {
        return searchedBytes;
    }

    @Override
    public void close() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (directory != null) {
            directory.close();
        }
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
