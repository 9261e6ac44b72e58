package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our conversion of llama2.c's {@code stories260K.bin} + {@code tok512.bin}: the same tensors and vocabulary as
 * llama.cpp's f32 GGUF, and the same greedy continuations, so the test model's whole path is ours.
 */
class Llama2cImporterTest {

    private static final Path DIR = GreedyGenerationTest.MODELS;

    @TempDir
    Path tmp;

    private Path converted() throws Exception {
        Path bin = DIR.resolve("stories260K.bin");
        Assumptions.assumeTrue(
                Files.exists(bin), "skipped: " + bin.toAbsolutePath().normalize() + " is absent");
        Path out = tmp.resolve("stories260K-ours.gguf");
        Llama2cImporter.convert(bin, DIR.resolve("tok512.bin"), out);
        return out;
    }

    @Test
    void tensorsAndVocabularyEqualLlamaCppsConversion() throws Exception {
        Path ours = converted();
        try (GgufFile a = GgufFile.open(ours);
                GgufFile b = GgufFile.open(DIR.resolve("stories260K-f32.gguf"))) {
            assertArrayEquals(b.strings("tokenizer.ggml.tokens"), a.strings("tokenizer.ggml.tokens"));
            assertArrayEquals(b.floats("tokenizer.ggml.scores"), a.floats("tokenizer.ggml.scores"));
            assertArrayEquals(b.ints("tokenizer.ggml.token_type"), a.ints("tokenizer.ggml.token_type"));
            for (GgufTensorInfo t : a.tensors().values()) {
                ByteBuffer mine = a.map(t.name());
                ByteBuffer theirs = b.map(t.name());
                assertEquals(theirs, mine, "tensor " + t.name());
            }
            assertEquals(
                    b.tensors().size() - 1, a.tensors().size(), "all but output.weight (tied, as llama2.c has it)");
        }
    }

    @Test
    void greedyContinuationsMatchTheReference() throws Exception {
        Path ours = converted();
        JsonNode ref =
                new ObjectMapper().readTree(DIR.resolve("reference-greedy.json").toFile());
        try (LlamaModel m = LlamaModel.load(ours)) {
            for (JsonNode c : ref.get("cases")) {
                if (!c.get("model").asText().equals("stories260K-f32.gguf")) {
                    continue;
                }
                int[] ids =
                        new ObjectMapper().readValue(c.get("prompt_token_ids").asText(), int[].class);
                Generator.Result r = new Generator(m).generate(ids, SamplingParams.GREEDY.withMaxTokens(48), null);
                String prompt = m.vocabulary().decode(ids);
                assertEquals(
                        c.get("greedy_48_tokens_text").asText().stripTrailing(), (prompt + r.text()).stripTrailing());
            }
        }
    }

    @Test
    void aTruncatedCheckpointIsATypedError() throws Exception {
        Path bin = DIR.resolve("stories260K.bin");
        Assumptions.assumeTrue(
                Files.exists(bin), "skipped: " + bin.toAbsolutePath().normalize() + " is absent");
        Path cut = tmp.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(bin), 10_000));
        ModelFormatException e = assertThrows(
                ModelFormatException.class,
                () -> Llama2cImporter.convert(cut, DIR.resolve("tok512.bin"), tmp.resolve("x.gguf")));
        assertEquals(true, e.getMessage().startsWith(cut.toString()), e.getMessage());
    }
}
