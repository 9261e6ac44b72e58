package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import java.util.Arrays;

/** Sampling, streaming and stop sequences on the real stories260K model. */
class GeneratorTest {

    private static final Path MODEL = GreedyGenerationTest.MODELS.resolve("stories260K-f32.gguf");
    private static LlamaModel model;
    private static SpmTokenizer tokenizer;

    @BeforeAll
    static void load() {
        if (Files.exists(MODEL)) {
            model = LlamaModel.load(MODEL);
            try (GgufFile f = GgufFile.open(MODEL)) {
                tokenizer = SpmTokenizer.from(f);
            }
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static int[] prompt(String text) {
        Assumptions.assumeTrue(model != null, "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent");
        int[] ids = tokenizer.encode(text);
        int[] out = new int[ids.length + 1];
        out[0] = model.vocabulary().bos();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private static SamplingParams sampled(long seed, int max, List<String> stop) {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 0f, 0f, 64, seed, max, stop);
    }

    @Test
    void streamedPiecesAddUpToTheResultAndGreedyMatchesTheReference() {
        List<String> pieces = new ArrayList<>();
        Generator.Result r = new Generator(model).generate(prompt("Once upon a time"),
                SamplingParams.GREEDY.withMaxTokens(48), pieces::add);
        assertEquals(String.join("", pieces), r.text());
        assertTrue(pieces.size() > 10, "text arrives piece by piece");
        assertTrue(r.text().startsWith(", there was a little girl named Lily. She loved to play outside in the park."),
                r.text());
        assertEquals(48, r.completionTokens());
        assertEquals(Generator.FinishReason.LENGTH, r.finishReason());
    }

    @Test
    void theSameSeedGivesTheSameTextAndAnotherSeedAnother() {
        int[] p = prompt("The little dog");
        String a = new Generator(model).generate(p, sampled(7, 40, List.of()), null).text();
        String b = new Generator(model).generate(p, sampled(7, 40, List.of()), null).text();
        String c = new Generator(model).generate(p, sampled(8, 40, List.of()), null).text();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void aStopSequenceEndsTheTextBeforeItAndIsNeverStreamed() {
        List<String> pieces = new ArrayList<>();
        Generator.Result r = new Generator(model).generate(prompt("Once upon a time"),
                SamplingParams.GREEDY.withMaxTokens(48).withStop(List.of(" Lily")), pieces::add);
        assertEquals(", there was a little girl named", r.text());
        assertEquals(Generator.FinishReason.STOP, r.finishReason());
        assertFalse(String.join("", pieces).contains("Lily"));
        assertEquals(r.text(), String.join("", pieces));
    }

    @Test
    void limitsAndBadParametersAreTypedErrors() {
        int[] longPrompt = new int[model == null ? 1 : model.config().contextLength()];
        Assumptions.assumeTrue(model != null, "skipped: model absent");
        Arrays.fill(longPrompt, 300);
        assertThrows(PromptTooLongException.class,
                () -> new Generator(model).generate(longPrompt, SamplingParams.GREEDY, null));
        assertEquals(5, new Generator(model).generate(prompt("Hi"), SamplingParams.GREEDY.withMaxTokens(5), null)
                .completionTokens());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> new SamplingParams(-1f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0, 10, null));
        assertTrue(t.getMessage().contains("temperature"));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> new SamplingParams(1f, 0, 1.5f, 0f, 1f, 0f, 0f, 64, 0, 10, null));
        assertTrue(p.getMessage().contains("top_p"));
    }
}
