package dev.abi.inference.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.inference.GgmlType;
import dev.abi.testing.SharedFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedding test inputs: the ONNX model and tokenizer of the langchain4j all-MiniLM-L6-v2 jar (a test dependency,
 * read from the classpath), converted once per JVM, and {@code ../shared/models/all-MiniLM-L6-v2}.
 */
public final class EmbeddingFixtures {

    public static final Path SHARED = SharedFixtures.path("models", "all-MiniLM-L6-v2");
    public static final Path SHARED_Q8 = SHARED.resolve("all-MiniLM-L6-v2-Q8_0.gguf");
    public static final Path REFERENCE = SHARED.resolve("reference-embeddings.json");

    private static Path dir;

    private EmbeddingFixtures() {}

    /** The ONNX file and tokenizer copied out of the jar, and our conversions of them, in one temporary folder. */
    public static synchronized Path dir() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("abi-embedding-fixtures");
                copy("all-minilm-l6-v2.onnx", d.resolve("model.onnx"));
                copy("all-minilm-l6-v2-tokenizer.json", d.resolve("tokenizer.json"));
                d.toFile().deleteOnExit();
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    public static Path onnx() {
        return dir().resolve("model.onnx");
    }

    public static Path tokenizerJson() {
        return dir().resolve("tokenizer.json");
    }

    /** Our conversion of the ONNX model to {@code type}, made on first use. */
    public static synchronized Path converted(GgmlType type) {
        Path out = dir().resolve("all-MiniLM-L6-v2-" + type + ".gguf");
        if (!Files.exists(out)) {
            try {
                BertOnnxConverter.convert(
                        onnx(), tokenizerJson(), out, type, BertOnnxConverter.Pooling.MEAN, "all-MiniLM-L6-v2");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.toFile().deleteOnExit();
        }
        return out;
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = EmbeddingFixtures.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the test classpath (langchain4j embeddings jar)");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        to.toFile().deleteOnExit();
    }

    public static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(REFERENCE.toFile());
    }

    public static List<String> sentences(JsonNode reference) {
        List<String> out = new ArrayList<>();
        reference.get("sentences").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The reference vectors of one model file named in the JSON. */
    public static float[][] vectors(JsonNode reference, String file) {
        JsonNode list = reference.get("models").get(file);
        float[][] out = new float[list.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = list.get(i);
            out[i] = new float[v.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (float) v.get(j).asDouble();
            }
        }
        return out;
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
