package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both KV cache types on the real stories260K model: the batched prefill gives exactly the logits of token by token
 * under each, F16 is the default, and F16 logits stay near F32 ones.
 */
class KvCacheSessionTest {

    static final int[] PROMPT = {1, 403, 407, 261, 378, 317, 269, 368, 302, 382, 276, 291};

    /**
     * F16 against F32 logits after the prompt and 16 greedy tokens, relative to the largest logit: keys and values
     * keep 11 significant bits (2^-11 = 4.9e-4 relative), and the model's 5 layers add up such errors.
     */
    static final float TOLERANCE = 2e-2f;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String file : new String[] {"stories260K-f32.gguf", "stories260K-Q8_0.gguf", "stories260K-Q4_0.gguf"}) {
            for (KvCacheType type : KvCacheType.values()) {
                b.add(Arguments.of(file, type));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void prefillGivesTheLogitsOfTokenByTokenUnderEachCacheType(String file, KvCacheType type) {
        try (LlamaModel m = LlamaModel.builder(model(file)).kvCache(type).load()) {
            LlamaSession batched = m.newSession();
            assertEquals(type, batched.kvCacheType());
            float[] prefilled = batched.prefill(PROMPT).clone();
            LlamaSession single = m.newSession();
            float[] logits = null;
            for (int id : PROMPT) {
                logits = single.forward(id);
            }
            assertArrayEquals(logits, prefilled, file + " " + type + ": prefill against token by token");
            // and the next tokens, decoded on top of each, stay equal
            for (int i = 0; i < 4; i++) {
                int next = GreedyGenerationTest.argmax(logits);
                logits = single.forward(next).clone();
                assertArrayEquals(logits, batched.forward(next), type + ": generated token " + i + " after the prompt");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K-f32.gguf", "stories260K-Q8_0.gguf", "stories260K-Q4_0.gguf"})
    void prefillInPassesGivesTheLogitsOfOnePass(String file) {
        try (LlamaModel m = LlamaModel.load(model(file))) {
            float[] whole = m.newSession().prefill(PROMPT, PROMPT.length).clone();
            for (int chunk : new int[] {1, 4, 5, PROMPT.length - 1}) {
                LlamaSession s = m.newSession();
                assertArrayEquals(whole, s.prefill(PROMPT, chunk), file + ": prefill in passes of " + chunk);
                assertEquals(PROMPT.length, s.position());
            }
            // a prompt after a prompt continues at the right positions
            LlamaSession twice = m.newSession();
            twice.prefill(java.util.Arrays.copyOf(PROMPT, 7), 3);
            assertArrayEquals(
                    whole,
                    twice.prefill(java.util.Arrays.copyOfRange(PROMPT, 7, PROMPT.length), 2),
                    file + ": a prompt fed in two calls");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K-f32.gguf", "stories260K-Q8_0.gguf", "stories260K-Q4_0.gguf"})
    void f16IsTheDefaultAndItsLogitsStayNearF32(String file) {
        float[] half;
        float[] full;
        try (LlamaModel m = LlamaModel.load(model(file))) {
            assertEquals(KvCacheType.F16, m.kvCacheType());
            LlamaSession s = m.newSession();
            assertEquals(KvCacheType.F16, s.kvCacheType());
            assertEquals(
                    2L
                            * m.config().layers()
                            * m.config().contextLength()
                            * m.config().kvDim()
                            * 2,
                    s.kvCacheBytes());
            half = greedy(s, 16);
        }
        try (LlamaModel m =
                LlamaModel.builder(model(file)).kvCache(KvCacheType.F32).load()) {
            full = greedy(m.newSession(), 16);
        }
        float scale = 0;
        float gap = 0;
        for (int i = 0; i < full.length; i++) {
            scale = Math.max(scale, Math.abs(full[i]));
            gap = Math.max(gap, Math.abs(full[i] - half[i]));
        }
        System.out.printf("%s: largest F16-F32 logit gap %.3g, largest logit %.3g%n", file, gap, scale);
        assertTrue(
                gap <= TOLERANCE * scale, file + ": F16 logits " + gap + " from F32 ones, over " + TOLERANCE * scale);
        assertTrue(gap > 0, file + ": F16 logits equal F32 ones bit for bit: the cache does not round");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K-f32.gguf", "stories260K-Q4_0.gguf"})
    void aSmallerContextTakesASmallerCacheAndGivesTheSameLogits(String file) {
        float[] full;
        try (LlamaModel m = LlamaModel.load(model(file))) {
            full = greedy(m.newSession(), 3);
        }
        try (LlamaModel m = LlamaModel.builder(model(file)).contextLength(16).load()) {
            assertEquals(16, m.config().contextLength());
            LlamaSession s = m.newSession();
            assertEquals(2L * m.config().layers() * 16 * m.config().kvDim() * 2, s.kvCacheBytes());
            assertArrayEquals(full, greedy(s, 3), file + ": the same logits in a 16-position context");
            s.forward(1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.forward(1));
            assertTrue(e.getMessage().contains("16 tokens"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LlamaModel.builder(model(file)).contextLength(0));
        assertTrue(e.getMessage().contains("contextLength"), e.getMessage());
    }

    /** The logits after the prompt and {@code tokens} fixed tokens. */
    private static float[] greedy(LlamaSession s, int tokens) {
        float[] logits = s.prefill(PROMPT);
        for (int i = 0; i < tokens; i++) {
            logits = s.forward(FIXED[i % FIXED.length]);
        }
        return logits.clone();
    }

    /** Fixed continuation ids (so both cache types see the same tokens even where their argmaxes part). */
    private static final int[] FIXED = {302, 382, 276, 291, 403, 407, 261, 378};

    private static Path model(String file) {
        Path path = GreedyGenerationTest.MODELS.resolve(file);
        Assumptions.assumeTrue(Files.exists(path), "skipped: " + path + " is absent (../shared/models)");
        return path;
    }
}
