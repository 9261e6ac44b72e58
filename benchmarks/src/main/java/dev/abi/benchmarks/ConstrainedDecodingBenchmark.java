package dev.abi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.inference.Generator;
import dev.abi.inference.GgufFile;
import dev.abi.inference.ModelRegistry;
import dev.abi.inference.SamplingParams;
import dev.abi.inference.TokenConstraint;
import dev.abi.inference.Vocabulary;
import dev.abi.inference.schema.SchemaCompiler;
import dev.abi.inference.schema.SchemaConstraint;
import dev.abi.inference.schema.SchemaNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What constrained decoding costs: generation tokens/s on a real model with no constraint, JSON mode
 * ({@code json_object}) and structured outputs ({@code json_schema}), at temperature 1 over several seeds; then the
 * mask step alone (every token's text tried against the recognizer) on a large vocabulary, since its cost grows with
 * the vocabulary and not with the model.
 *
 * <p>Usage: {@code ConstrainedDecodingBenchmark [model=../shared/models/stories260K/stories260K-Q8_0.gguf]
 * [generations=20] [vocab=../shared/tokenizer/ggml-vocab-llama-bpe.gguf]}. Prints two Markdown tables.
 */
public final class ConstrainedDecodingBenchmark {

    static final String SCHEMA = """
            {"type":"object","properties":{
              "name":{"type":"string"},
              "age":{"type":"integer"},
              "pets":{"type":"array","items":{"enum":["cat","dog","bird"]},"minItems":1,"maxItems":3},
              "owner":{"type":"object","properties":{"first":{"type":"string"},"score":{"type":["number","null"]}},
                       "required":["first","score"],"additionalProperties":false}},
             "required":["name","age","pets","owner"],"additionalProperties":false}""";

    public static void main(String[] args) throws Exception {
        Path modelPath = Path.of(args.length > 0 ? args[0] : "../shared/models/stories260K/stories260K-Q8_0.gguf");
        int generations = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path vocabPath = Path.of(args.length > 2 ? args[2] : "../shared/tokenizer/ggml-vocab-llama-bpe.gguf");
        SchemaNode schema = SchemaCompiler.compile(new ObjectMapper().readTree(SCHEMA), true);
        System.out.printf(
                "JVM %s, %d cores%n%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        if (Files.exists(modelPath)) {
            generation(modelPath, generations, schema);
        } else {
            System.out.println("skipped the generation table: "
                    + modelPath.toAbsolutePath().normalize() + " is absent");
        }
        if (Files.exists(vocabPath)) {
            maskOnly(vocabPath, schema);
        } else {
            System.out.println(
                    "skipped the mask table: " + vocabPath.toAbsolutePath().normalize() + " is absent");
        }
    }

    private static void generation(Path modelPath, int generations, SchemaNode schema) throws Exception {
        try (ModelRegistry registry = new ModelRegistry(Map.of("m", modelPath))) {
            ModelRegistry.Loaded loaded = registry.get("m");
            int[] encoded = loaded.tokenizer().encode("Once");
            int[] prompt = new int[encoded.length + 1];
            prompt[0] = loaded.model().vocabulary().bos();
            System.arraycopy(encoded, 0, prompt, 1, encoded.length);
            int maxTokens = loaded.model().config().contextLength() - prompt.length;
            Generator plain = new Generator(loaded.model());
            Map<String, Generator> modes = new java.util.LinkedHashMap<>();
            modes.put("none", plain);
            modes.put("json_object", plain.jsonObject());
            modes.put("json_schema", plain.constrained(SchemaConstraint.of(schema)));
            ObjectMapper json = new ObjectMapper();
            for (Generator g : modes.values()) { // warm-up: C2 compiles the kernels and the recognizers
                for (int seed = 0; seed < 3 * generations; seed++) {
                    g.generate(prompt, params(seed, maxTokens), null);
                }
            }
            System.out.printf(
                    "Model %s (vocabulary %d, context %d), prompt \"Once\", max_tokens %d, temperature 1;"
                            + " %d rounds, each running every mode in turn over seeds 1..%d; tokens/s is the median round%n%n",
                    modelPath.getFileName(),
                    loaded.model().vocabulary().size(),
                    loaded.model().config().contextLength(),
                    maxTokens,
                    ROUNDS,
                    generations);
            Map<String, double[]> rates = new java.util.LinkedHashMap<>();
            Map<String, long[]> totals = new java.util.LinkedHashMap<>(); // tokens, outputs that parse
            for (String mode : modes.keySet()) {
                rates.put(mode, new double[ROUNDS]);
                totals.put(mode, new long[2]);
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (Map.Entry<String, Generator> mode : modes.entrySet()) {
                    long tokens = 0;
                    long start = System.nanoTime();
                    for (int seed = 1; seed <= generations; seed++) {
                        Generator.Result r = mode.getValue().generate(prompt, params(seed, maxTokens), null);
                        tokens += r.completionTokens();
                        if (round == 0 && parses(json, r.text())) {
                            totals.get(mode.getKey())[1]++;
                        }
                    }
                    rates.get(mode.getKey())[round] = tokens / ((System.nanoTime() - start) / 1e9);
                    totals.get(mode.getKey())[0] += tokens;
                }
            }
            System.out.println("| constraint | tokens (all rounds) | tokens/s (median) | min..max | vs none |"
                    + " outputs that parse |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            double base = median(rates.get("none"));
            for (String mode : modes.keySet()) {
                double[] r = rates.get(mode);
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %,.0f | %,.0f..%,.0f | %.2fx | %d/%d |%n",
                        mode,
                        totals.get(mode)[0],
                        median(r),
                        Arrays.stream(r).min().orElse(0),
                        Arrays.stream(r).max().orElse(0),
                        median(r) / base,
                        totals.get(mode)[1],
                        generations);
            }
            System.out.println();
        }
    }

    private static final int ROUNDS = 5;

    private static boolean parses(ObjectMapper json, String text) {
        try {
            json.readTree(text);
            return !text.isEmpty();
        } catch (Exception notJson) {
            return false;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static SamplingParams params(long seed, int maxTokens) {
        return new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, 0f, 64, seed, maxTokens, List.of());
    }

    /** Mean time of one mask step along one fixed path through the value (always the first allowed token). */
    private static void maskOnly(Path vocabPath, SchemaNode schema) {
        Vocabulary vocab = Vocabulary.from(GgufFile.open(vocabPath));
        System.out.printf(
                "Mask step alone on %s (vocabulary %,d): 60 steps, first allowed token each time%n%n",
                vocabPath.getFileName(), vocab.size());
        System.out.println("| constraint | ms per step | steps |");
        System.out.println("|---|---:|---:|");
        Map<String, TokenConstraint.Factory> modes = new java.util.LinkedHashMap<>();
        modes.put("json_object", TokenConstraint.jsonObject());
        modes.put("json_schema", SchemaConstraint.of(schema));
        for (Map.Entry<String, TokenConstraint.Factory> mode : modes.entrySet()) {
            for (int round = 0; round < 3; round++) { // the last round is measured
                TokenConstraint c = mode.getValue().create(vocab, List.of());
                float[] logits = new float[vocab.size()];
                long elapsed = 0;
                int steps = 0;
                for (; steps < 60; steps++) {
                    Arrays.fill(logits, 0f);
                    long t = System.nanoTime();
                    boolean any = c.mask(logits, 200 - steps);
                    elapsed += System.nanoTime() - t;
                    int next = -1;
                    for (int id = 0; id < logits.length && next < 0; id++) {
                        if (logits[id] == 0f) {
                            next = id;
                        }
                    }
                    if (!any || next == vocab.eos()) {
                        break;
                    }
                    c.accept(next);
                }
                if (round == 2) {
                    System.out.printf(
                            Locale.ROOT,
                            "| %s | %.2f | %d |%n",
                            mode.getKey(),
                            elapsed / 1e6 / Math.max(1, steps),
                            steps);
                }
            }
        }
    }
}
