package dev.abi.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.abi.documents.Chunker;
import dev.abi.documents.Document;
import dev.abi.documents.DocumentIndex;
import dev.abi.inference.BertModel;
import dev.abi.inference.GgmlType;
import dev.abi.inference.WeightMatrix;
import dev.abi.inference.convert.BertOnnxConverter;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.vector.VectorOpsProvider;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Sentence embeddings per second: our BERT (GGUF converted in Java from the ONNX files of langchain4j's jars) against
 * ONNX Runtime Java on the same ONNX files, in the same JVM, at batch sizes 1, 32 and 256 and on 1 and 2 threads;
 * single-sentence latency; cold load to first embedding; and documents per second through the documents path
 * (chunk + embed + upsert) for the quickstart corpus.
 *
 * <p>Usage: {@code EmbeddingBenchmark [threads=1,2] [batches=1,32,256] [seconds=3] [models=all]}, where models is
 * {@code all} or a comma list such as {@code all-MiniLM-L6-v2:F32,bge-small-en-v1.5:Q8_0}; the cold load and the
 * documents path run only with {@code all}. Run from the repository root ({@code benchmarks/scripts/run.sh
 * EmbeddingBenchmark}).
 */
public final class EmbeddingBenchmark {

    /**
     * One row group: our GGUF of {@code type}, converted from the float ONNX file {@code jarResource}, against ONNX
     * Runtime on {@code peerResource} (the float file for F32, langchain4j's int8 file for Q8_0).
     */
    record Model(
            String name,
            String jarResource,
            String tokenizerResource,
            GgmlType type,
            BertOnnxConverter.Pooling pooling,
            String peerResource) {

        String key() {
            return name + ":" + type;
        }
    }

    public static void main(String[] args) throws Exception {
        int[] threads = Arrays.stream(arg(args, 0, "1,2").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int[] batches = Arrays.stream(arg(args, 1, "1,32,256").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        double seconds = Double.parseDouble(arg(args, 2, "3"));
        Path dir = Path.of("benchmarks", "target", "embedding-models");
        Files.createDirectories(dir);
        List<Model> models = models();
        String filter = arg(args, 3, "all");
        boolean everything = filter.equals("all");
        List<Model> chosen = everything
                ? models
                : models.stream()
                        .filter(m -> Arrays.asList(filter.split(",")).contains(m.key()))
                        .toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(
                    "no model matches '" + filter + "' (all, or e.g. all-MiniLM-L6-v2:F32,bge-small-en-v1.5:Q8_0)");
        }
        List<String> sentences = corpusSentences();
        // the 16 reference sentences (about 13 tokens each), when ../shared has them
        List<String> ref = new ArrayList<>();
        Path refFile = Path.of("..", "shared", "models", "all-MiniLM-L6-v2", "reference-embeddings.json");
        if (Files.exists(refFile)) {
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(refFile.toFile())
                    .get("sentences")
                    .forEach(n -> ref.add(n.asText()));
        }
        System.out.printf(
                "JVM %s, %d cores, kernels %s, %d distinct sentences (%s)%n%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                VectorOpsProvider.get().name(),
                sentences.size(),
                "samples/corpus/handbook, split at sentence ends");

        // cold: the first thing this JVM does with the Q8_0 MiniLM file
        Model cold = models.get(1);
        Path coldFile = convert(dir, cold);
        double coldMs = Double.NaN;
        if (everything) {
            long c0 = System.nanoTime();
            try (BertModel m = BertModel.load(coldFile)) {
                m.embed(List.of(sentences.get(0)));
            }
            coldMs = (System.nanoTime() - c0) / 1e6;
        }

        StringBuilder table = new StringBuilder();
        table.append("| model | type | ONNX Runtime file | threads | batch | ours sentences/s"
                + " | ONNX Runtime sentences/s | ratio | ratio by thread CPU time |\n");
        table.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder latency = new StringBuilder();
        latency.append("| model | type | threads | sentences | mean tokens | ours ms/sentence"
                + " | ONNX Runtime ms/sentence | ratio | ours CPU ms | ONNX Runtime CPU ms | ratio by CPU time |\n");
        latency.append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (Model model : chosen) {
            Path file = convert(dir, model);
            Path onnx = resource(dir, model.peerResource());
            for (int t : threads) {
                // a model takes the default executor when it is loaded: set the threads first
                WeightMatrix.useThreads(t);
                try (BertModel ours = BertModel.load(file)) {
                    List<int[]> ids = sentences.stream().map(ours::tokenize).toList();
                    List<int[]> refIds = ref.stream().map(ours::tokenize).toList();
                    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                        opts.setIntraOpNumThreads(t);
                        opts.setInterOpNumThreads(1);
                        try (OrtSession ort = env.createSession(onnx.toString(), opts)) {
                            for (int batch : batches) {
                                Rate oursRate = rate(seconds, batch, ids, b -> ours.embedTokens(b));
                                Rate ortRate = rate(seconds, batch, ids, b -> runOrt(env, ort, b));
                                String row = String.format(
                                        Locale.ROOT,
                                        "| %s | %s | %s | %d | %d | %.1f | %.1f | %.2f | %s |",
                                        model.name(),
                                        model.type(),
                                        model.peerResource(),
                                        t,
                                        batch,
                                        oursRate.perSecond(),
                                        ortRate.perSecond(),
                                        oursRate.perSecond() / ortRate.perSecond(),
                                        cpuRatio(t, oursRate, ortRate));
                                System.out.println(row);
                                table.append(row).append('\n');
                                if (batch == 1) {
                                    latency.append(latencyRow(model, t, "handbook", ids, oursRate, ortRate));
                                }
                            }
                            if (!refIds.isEmpty()) {
                                Rate o = rate(seconds, 1, refIds, b -> ours.embedTokens(b));
                                Rate r = rate(seconds, 1, refIds, b -> runOrt(env, ort, b));
                                String row = latencyRow(model, t, "reference", refIds, o, r);
                                System.out.print(row);
                                latency.append(row);
                            }
                        }
                    }
                }
            }
        }

        // end to end: chunk + embed + upsert of the quickstart corpus, repeated
        WeightMatrix.useThreads(threads[threads.length - 1]);
        List<Document> docs = corpusDocuments();
        String endToEnd = "not run (a model list was given)";
        if (everything) {
            try (dev.abi.inference.ModelRegistry registry =
                    new dev.abi.inference.ModelRegistry(Map.of("all-MiniLM-L6-v2", coldFile))) {
                NamespaceService ns = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
                DocumentIndex index = new DocumentIndex(
                        ns,
                        registry::embedder,
                        "all-MiniLM-L6-v2",
                        Chunker.Options.defaults(),
                        DocumentIndex.Limits.defaults());
                index.upsert("warm", docs, null, null);
                int rounds = 0;
                int chunks = 0;
                long e0 = System.nanoTime();
                while (System.nanoTime() - e0 < seconds * 1e9) {
                    chunks += index.upsert("bench", docs, null, null).chunks();
                    rounds++;
                }
                double s = (System.nanoTime() - e0) / 1e9;
                endToEnd = String.format(
                        Locale.ROOT,
                        "%.1f documents/s (%.1f chunks/s; %d documents of %d KB in all, "
                                + "all-MiniLM-L6-v2 Q8_0, %d threads, in-memory store)",
                        rounds * docs.size() / s,
                        chunks / s,
                        docs.size(),
                        docs.stream().mapToInt(d -> d.text().length()).sum() / 1024,
                        threads[threads.length - 1]);
            }
        }

        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.print(latency);
        if (everything) {
            System.out.printf(
                    Locale.ROOT, "%nCold load of all-MiniLM-L6-v2 Q8_0 to its first embedding: %.0f ms%n", coldMs);
        }
        System.out.println("Documents path: " + endToEnd);
    }

    /** The four row groups: MiniLM and bge-small, F32 and Q8_0. */
    static List<Model> models() {
        return List.of(
                new Model(
                        "all-MiniLM-L6-v2",
                        "all-minilm-l6-v2.onnx",
                        "all-minilm-l6-v2-tokenizer.json",
                        GgmlType.F32,
                        BertOnnxConverter.Pooling.MEAN,
                        "all-minilm-l6-v2.onnx"),
                new Model(
                        "all-MiniLM-L6-v2",
                        "all-minilm-l6-v2.onnx",
                        "all-minilm-l6-v2-tokenizer.json",
                        GgmlType.Q8_0,
                        BertOnnxConverter.Pooling.MEAN,
                        "all-minilm-l6-v2-q.onnx"),
                new Model(
                        "bge-small-en-v1.5",
                        "bge-small-en-v1.5.onnx",
                        "bge-small-en-v1.5-tokenizer.json",
                        GgmlType.F32,
                        BertOnnxConverter.Pooling.CLS,
                        "bge-small-en-v1.5.onnx"),
                new Model(
                        "bge-small-en-v1.5",
                        "bge-small-en-v1.5.onnx",
                        "bge-small-en-v1.5-tokenizer.json",
                        GgmlType.Q8_0,
                        BertOnnxConverter.Pooling.CLS,
                        "bge-small-en-v1.5-q.onnx"));
    }

    /** A batch-1 latency row: mean ms per sentence over {@code ids}, taken one at a time in turn. */
    private static String latencyRow(Model m, int threads, String set, List<int[]> ids, Rate ours, Rate ort) {
        boolean cpu = threads == 1;
        return String.format(
                Locale.ROOT,
                "| %s | %s | %d | %s | %.1f | %.2f | %.2f | %.2f | %s | %s | %s |%n",
                m.name(),
                m.type(),
                threads,
                set,
                ids.stream().mapToInt(a -> a.length).average().orElse(0),
                1000 / ours.perSecond(),
                1000 / ort.perSecond(),
                ours.perSecond() / ort.perSecond(),
                cpu ? String.format(Locale.ROOT, "%.2f", 1000 / ours.perCpuSecond()) : "-",
                cpu ? String.format(Locale.ROOT, "%.2f", 1000 / ort.perCpuSecond()) : "-",
                cpuRatio(threads, ours, ort));
    }

    /** Ours over ONNX Runtime by the calling thread's CPU time: one thread only (else other threads do the work). */
    private static String cpuRatio(int threads, Rate ours, Rate ort) {
        return threads == 1 ? String.format(Locale.ROOT, "%.2f", ours.perCpuSecond() / ort.perCpuSecond()) : "-";
    }

    private interface Embed {
        void run(List<int[]> batch) throws Exception;
    }

    /**
     * Sentences per second by the clock, and by the calling thread's CPU time: on one thread (ONNX Runtime with one
     * intra-op thread runs on the caller's), the CPU time leaves out the time the thread waited for a core, which is
     * what keeps the comparison fair on a loaded machine.
     */
    private record Rate(double perSecond, double perCpuSecond) {}

    /** Sentences embedded before the timed part of each {@link #rate}. */
    private static final int WARM_UP = 400;

    /**
     * {@link Rate} over at least {@code seconds}, after a warm-up of at least one second and {@value #WARM_UP}
     * sentences (on a loaded machine one second is not enough for C2 to compile the kernels).
     */
    private static Rate rate(double seconds, int batch, List<int[]> ids, Embed embed) throws Exception {
        List<int[]> b = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            b.add(ids.get(i % ids.size()));
        }
        long w0 = System.nanoTime();
        for (int warm = 0; warm < WARM_UP || System.nanoTime() - w0 < 1e9; warm += batch) {
            embed.run(b);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int done = 0;
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < seconds * 1e9) {
            embed.run(b);
            done += batch;
        }
        long cpu = mx.getCurrentThreadCpuTime() - c0;
        return new Rate(done / ((System.nanoTime() - t0) / 1e9), done / (cpu / 1e9));
    }

    /** ONNX Runtime on a padded batch with its attention mask; the pooling is not part of what is timed there. */
    private static void runOrt(OrtEnvironment env, OrtSession session, List<int[]> batch) throws Exception {
        int len = batch.stream().mapToInt(a -> a.length).max().orElse(1);
        long[][] input = new long[batch.size()][len];
        long[][] mask = new long[batch.size()][len];
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < batch.get(i).length; j++) {
                input[i][j] = batch.get(i)[j];
                mask[i][j] = 1;
            }
        }
        long[][] types = new long[batch.size()][len];
        try (OnnxTensor a = OnnxTensor.createTensor(env, input);
                OnnxTensor b = OnnxTensor.createTensor(env, mask);
                OnnxTensor c = OnnxTensor.createTensor(env, types);
                OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            r.get(0).getValue();
        }
    }

    static Path convert(Path dir, Model m) throws Exception {
        Path out = dir.resolve(m.name() + "-" + m.type() + ".gguf");
        if (!Files.exists(out)) {
            BertOnnxConverter.convert(
                    resource(dir, m.jarResource()),
                    resource(dir, m.tokenizerResource()),
                    out,
                    m.type(),
                    m.pooling(),
                    m.name());
        }
        return out;
    }

    static Path resource(Path dir, String name) throws Exception {
        Path out = dir.resolve(name);
        if (!Files.exists(out)) {
            try (InputStream in = EmbeddingBenchmark.class.getResourceAsStream("/" + name)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return out;
    }

    private static List<Document> corpusDocuments() throws Exception {
        List<Document> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("samples", "corpus", "handbook"))) {
            for (Path f : files.sorted().toList()) {
                docs.add(Document.text(f.getFileName().toString(), Files.readString(f), Map.of()));
            }
        }
        return docs;
    }

    private static List<String> corpusSentences() throws Exception {
        List<String> out = new ArrayList<>();
        for (Document d : corpusDocuments()) {
            for (String s : d.text().replace('\n', ' ').split("(?<=[.:;])\\s+")) {
                if (s.strip().length() > 3) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }

    private static String arg(String[] args, int i, String dflt) {
        return args.length > i ? args[i] : dflt;
    }
}
