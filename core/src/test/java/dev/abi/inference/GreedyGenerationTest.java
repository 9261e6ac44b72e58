package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy decoding of the real stories260K model reproduces llama.cpp's 48-token continuations exactly, for the f32,
 * Q8_0 and Q4_0 GGUF files ({@code ../shared/models/stories260K/reference-greedy.json}).
 */
class GreedyGenerationTest {

    static final Path MODELS = SharedFixtures.path("models", "stories260K");

    static Stream<Arguments> cases() throws Exception {
        Path reference = MODELS.resolve("reference-greedy.json");
        if (!Files.exists(reference)) {
            return Stream.of(Arguments.of("skip", "", "", ""));
        }
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : new ObjectMapper().readTree(reference.toFile()).get("cases")) {
            out.add(Arguments.of(
                    c.get("model").asText(),
                    c.get("prompt").asText(),
                    c.get("prompt_token_ids").asText(),
                    c.get("greedy_48_tokens_text").asText()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void greedyContinuationMatchesLlamaCpp(String model, String prompt, String promptIds, String expected) {
        Assumptions.assumeFalse(
                model.equals("skip"),
                "skipped: "
                        + MODELS.resolve("reference-greedy.json")
                                .toAbsolutePath()
                                .normalize() + " is absent (../shared/models)");
        int[] ids = new ObjectMapper().convertValue(parse(promptIds), int[].class);
        try (GgufFile f = GgufFile.open(MODELS.resolve(model))) {
            int[] encoded = SpmTokenizer.from(f).encode(prompt);
            int[] withBos = new int[encoded.length + 1];
            withBos[0] = 1;
            System.arraycopy(encoded, 0, withBos, 1, encoded.length);
            assertArrayEquals(ids, withBos, "our tokenizer gives llama.cpp's prompt ids");
        }
        try (LlamaModel m = LlamaModel.load(MODELS.resolve(model))) {
            float[] batched = m.newSession().prefill(ids).clone();
            LlamaSession s = m.newSession();
            float[] logits = null;
            for (int id : ids) {
                logits = s.forward(id);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    logits,
                    batched,
                    "prefill (matrix-matrix) gives exactly the logits of feeding the prompt token by token");
            String promptText = m.vocabulary().decode(ids);
            String want = expected.stripTrailing();
            int[] generated = new int[48];
            int firstMismatch = -1;
            float gapThere = Float.NaN;
            for (int i = 0; i < generated.length; i++) {
                generated[i] = argmax(logits);
                String sofar = promptText + m.vocabulary().decode(Arrays.copyOf(generated, i + 1));
                if (firstMismatch < 0 && !want.startsWith(sofar.stripTrailing())) {
                    firstMismatch = i;
                    gapThere = topTwoGap(logits);
                }
                if (i + 1 < generated.length) {
                    logits = s.forward(generated[i]);
                }
            }
            String got = (promptText + m.vocabulary().decode(generated)).stripTrailing();
            if (model.contains("Q4_0")) {
                // Allowed by the issue: Q4_0 may part late from llama.cpp, whose x86 build repacks Q4_0 weights and
                // sums the blocks in another order; the first 24 tokens must match.
                assertTrue(
                        firstMismatch < 0 || firstMismatch >= 24, "Q4_0 parted at token " + firstMismatch + ": " + got);
                System.out.printf(
                        "%s '%s': %s%n",
                        model,
                        prompt,
                        firstMismatch < 0
                                ? "all 48 tokens match"
                                : "first " + firstMismatch + " tokens match; top-2 logit gap there " + gapThere);
            } else {
                assertEquals(want, got, "generated ids " + Arrays.toString(generated));
            }
        }
    }

    private static float topTwoGap(float[] v) {
        float first = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            if (f > first) {
                second = first;
                first = f;
            } else if (f > second) {
                second = f;
            }
        }
        return first - second;
    }

    private static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
