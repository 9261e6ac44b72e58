package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every line of llama.cpp's byte-level BPE and WordPiece test vectors ({@code ../shared/tokenizer}) is reproduced exactly. */
class VocabularyVectorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "qwen2", "gpt-2", "bert-bge"})
    void reproducesEveryTestVector(String name) throws Exception {
        Path vocab = SpmTokenizerTest.TOKENIZERS.resolve("ggml-vocab-" + name + ".gguf");
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
            Function<String, int[]> tokenizer =
                    name.equals("bert-bge") ? WordPieceTokenizer.from(f)::encode : BpeTokenizer.from(f)::encode;
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                String got = Arrays.stream(tokenizer.apply(inputs.get(i)))
                        .mapToObj(Integer::toString)
                        .reduce("", (a, b) -> a + " " + b);
                if (!name.equals("bert-bge") && !inputs.get(i).isEmpty()) {
                    int[] ids = tokenizer.apply(inputs.get(i));
                    String back = Vocabulary.from(f).decode(ids);
                    if (!back.equals(inputs.get(i))) {
                        mismatches.add("decode of '" + inputs.get(i) + "' gave '" + back + "'");
                    }
                }
                if (!got.equals(expected.get(i))) {
                    mismatches.add("'" + inputs.get(i) + "': want" + expected.get(i) + ", got" + got);
                }
            }
            assertEquals(List.of(), mismatches);
        }
    }
}
