package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.abi.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every line of llama.cpp's SentencePiece test vectors ({@code ../shared/tokenizer}) is reproduced exactly. */
class SpmTokenizerTest {

    static final Path TOKENIZERS = SharedFixtures.path("tokenizer");

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "phi-3"})
    void reproducesEveryTestVector(String name) throws Exception {
        Path vocab = TOKENIZERS.resolve("ggml-vocab-" + name + ".gguf");
        Assumptions.assumeTrue(
                Files.exists(vocab), "skipped: " + vocab.toAbsolutePath().normalize() + " is absent");
        String inp = Files.readString(Path.of(vocab + ".inp"), StandardCharsets.UTF_8);
        List<String> inputs = new ArrayList<>(Arrays.asList(inp.split("\n__ggml_vocab_test__\n", -1)));
        if (inputs.get(inputs.size() - 1).isEmpty()) {
            inputs.remove(inputs.size() - 1);
        }
        List<String> expected = Files.readAllLines(Path.of(vocab + ".out"), StandardCharsets.UTF_8);
        assertEquals(expected.size(), inputs.size(), "inputs and outputs pair up");
        try (GgufFile f = GgufFile.open(vocab)) {
            SpmTokenizer tokenizer = SpmTokenizer.from(f);
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                String got = Arrays.stream(tokenizer.encode(inputs.get(i)))
                        .mapToObj(Integer::toString)
                        .reduce("", (a, b) -> a + " " + b);
                if (!got.equals(expected.get(i))) {
                    mismatches.add("'" + inputs.get(i) + "': want" + expected.get(i) + ", got" + got);
                }
            }
            assertEquals(List.of(), mismatches);
        }
    }
}
