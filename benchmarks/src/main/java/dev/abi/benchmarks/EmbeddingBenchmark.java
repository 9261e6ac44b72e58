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
 * <p>Usage: {@code EmbeddingBenchmark [threads=1,2] [batches=1,32,256] [seconds=3]}. Run from the repository root
 * ({@code benchmarks/scripts/run.sh EmbeddingBenchmark}).
 */
public final class EmbeddingBenchmark {

    private record Model(
            String name,
            String jarResource,
            String tokenizerResource,
            GgmlType type,
            BertOnnxConverter.Pooling pooling) {}

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
        List<Model> models = List.of(
                new Model(
                        "all-MiniLM-L6-v2",
                        "all-minilm-l6-v2.onnx",
                        "all-minilm-l6-v2-tokenizer.json",
                        GgmlType.F32,
                        BertOnnxConverter.Pooling.MEAN),
                new Model(
                        "all-MiniLM-L6-v2",
                        "all-minilm-l6-v2.onnx",
                        "all-minilm-l6-v2-tokenizer.json",
                        GgmlType.Q8_0,
                        BertOnnxConverter.Pooling.MEAN),
                new Model(
                        "bge-small-en-v1.5",
                        "bge-small-en-v1.5.onnx",
                        "bge-small-en-v1.5-tokenizer.json",
                        GgmlType.F32,
                        BertOnnxConverter.Pooling.CLS),
                new Model(
                        "bge-small-en-v1.5",
                        "bge-small-en-v1.5.onnx",
                        "bge-small-en-v1.5-tokenizer.json",
                        GgmlType.Q8_0,
                        BertOnnxConverter.Pooling.CLS));
        List<String> sentences = corpusSentences();
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
        long c0 = System.nanoTime();
        try (BertModel m = BertModel.load(coldFile)) {
            m.embed(List.of(sentences.get(0)));
        }
        double coldMs = (System.nanoTime() - c0) / 1e6;

        StringBuilder table = new StringBuilder();
        table.append("| model | type | threads | batch | ours sentences/s | ONNX Runtime sentences/s | ratio |\n");
        table.append("|---|---|---:|---:|---:|---:|---:|\n");
        StringBuilder latency = new StringBuilder();
        latency.append("| model | type | threads | ours ms/sentence (batch 1) | ONNX Runtime ms/sentence |\n");
        latency.append("|---|---|---:|---:|---:|\n");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (Model model : models) {
            Path file = convert(dir, model);
            Path onnx = resource(dir, model.jarResource());
            try (BertModel ours = BertModel.load(file)) {
                List<int[]> ids = sentences.stream().map(ours::tokenize).toList();
                for (int t : threads) {
                    WeightMatrix.useThreads(t);
                    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                        opts.setIntraOpNumThreads(t);
                        opts.setInterOpNumThreads(1);
                        try (OrtSession ort = env.createSession(onnx.toString(), opts)) {
                            for (int batch : batches) {
                                double oursRate = rate(seconds, batch, ids, b -> ours.embedTokens(b));
                                double ortRate = rate(seconds, batch, ids, b -> runOrt(env, ort, b));
                                String row = String.format(
                                        Locale.ROOT,
                                        "| %s | %s | %d | %d | %.1f | %.1f | %.2f |",
                                        model.name(),
                                        model.type(),
                                        t,
                                        batch,
                                        oursRate,
                                        ortRate,
                                        oursRate / ortRate);
                                System.out.println(row);
                                table.append(row).append('\n');
                                if (batch == 1) {
                                    latency.append(String.format(
                                            Locale.ROOT,
                                            "| %s | %s | %d | %.2f | %.2f |%n",
                                            model.name(),
                                            model.type(),
                                            t,
                                            1000 / oursRate,
                                            1000 / ortRate));
                                }
                            }
                        }
                    }
                }
            }
        }

        // end to end: chunk + embed + upsert of the quickstart corpus, repeated
        WeightMatrix.useThreads(threads[threads.length - 1]);
        List<Document> docs = corpusDocuments();
        String endToEnd;
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

        // the latency target, on its 16 reference sentences (about 13 tokens each), when ../shared has them
        StringBuilder refLatency = new StringBuilder();
        Path refFile = Path.of("..", "shared", "models", "all-MiniLM-L6-v2", "reference-embeddings.json");
        if (Files.exists(refFile)) {
            List<String> ref = new ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(refFile.toFile())
                    .get("sentences")
                    .forEach(n -> ref.add(n.asText()));
            try (BertModel ours = BertModel.load(coldFile)) {
                List<int[]> ids = ref.stream().map(ours::tokenize).toList();
                refLatency.append("| threads | ours ms/sentence | ONNX Runtime ms/sentence |\n|---:|---:|---:|\n");
                for (int t : threads) {
                    WeightMatrix.useThreads(t);
                    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                        opts.setIntraOpNumThreads(t);
                        try (OrtSession ort = env.createSession(
                                resource(dir, cold.jarResource()).toString(), opts)) {
                            double o = 1000 / rate(seconds, 1, ids, b -> ours.embedTokens(b));
                            double r = 1000 / rate(seconds, 1, ids, b -> runOrt(env, ort, b));
                            refLatency.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f |%n", t, o, r));
                        }
                    }
                }
            }
        }

        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.print(latency);
        if (!refLatency.isEmpty()) {
            System.out.println();
            System.out.println("Single sentences of reference-embeddings.json (MiniLM Q8_0):");
            System.out.print(refLatency);
        }
        System.out.printf(
                Locale.ROOT, "%nCold load of all-MiniLM-L6-v2 Q8_0 to its first embedding: %.0f ms%n", coldMs);
        System.out.println("Documents path: " + endToEnd);
    }

    private interface Embed {
        void run(List<int[]> batch) throws Exception;
    }

    /** Sentences per second over at least {@code seconds}, after one warm-up second. */
    private static double rate(double seconds, int batch, List<int[]> ids, Embed embed) throws Exception {
        List<int[]> b = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            b.add(ids.get(i % ids.size()));
        }
        long w0 = System.nanoTime();
        while (System.nanoTime() - w0 < 1e9) {
            embed.run(b);
        }
        int done = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < seconds * 1e9) {
            embed.run(b);
            done += batch;
        }
        return done / ((System.nanoTime() - t0) / 1e9);
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

    private static Path convert(Path dir, Model m) throws Exception {
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

    private static Path resource(Path dir, String name) throws Exception {
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
