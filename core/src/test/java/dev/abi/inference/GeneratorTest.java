package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.budget.Cancellation;
import dev.abi.budget.RequestCancelledException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sampling, streaming, stop sequences and cancellation on the real stories260K model. */
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
        Assumptions.assumeTrue(
                model != null, "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent");
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
        Generator.Result r = new Generator(model)
                .generate(prompt("Once upon a time"), SamplingParams.GREEDY.withMaxTokens(48), pieces::add);
        assertEquals(String.join("", pieces), r.text());
        assertTrue(pieces.size() > 10, "text arrives piece by piece");
        assertTrue(
                r.text().startsWith(", there was a little girl named Lily. She loved to play outside in the park."),
                r.text());
        assertEquals(48, r.completionTokens());
        assertEquals(Generator.FinishReason.LENGTH, r.finishReason());
    }

    @Test
    void theSameSeedGivesTheSameTextAndAnotherSeedAnother() {
        int[] p = prompt("The little dog");
        String a = new Generator(model)
                .generate(p, sampled(7, 40, List.of()), null)
                .text();
        String b = new Generator(model)
                .generate(p, sampled(7, 40, List.of()), null)
                .text();
        String c = new Generator(model)
                .generate(p, sampled(8, 40, List.of()), null)
                .text();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void aStopSequenceEndsTheTextBeforeItAndIsNeverStreamed() {
        List<String> pieces = new ArrayList<>();
        Generator.Result r = new Generator(model)
                .generate(
                        prompt("Once upon a time"),
                        SamplingParams.GREEDY.withMaxTokens(48).withStop(List.of(" Lily")),
                        pieces::add);
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
        assertThrows(
                PromptTooLongException.class,
                () -> new Generator(model).generate(longPrompt, SamplingParams.GREEDY, null));
        assertEquals(
                5,
                new Generator(model)
                        .generate(prompt("Hi"), SamplingParams.GREEDY.withMaxTokens(5), null)
                        .completionTokens());
        IllegalArgumentException t = assertThrows(
                IllegalArgumentException.class, () -> new SamplingParams(-1f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0, 10, null));
        assertTrue(t.getMessage().contains("temperature"));
        IllegalArgumentException p = assertThrows(
                IllegalArgumentException.class, () -> new SamplingParams(1f, 0, 1.5f, 0f, 1f, 0f, 0f, 64, 0, 10, null));
        assertTrue(p.getMessage().contains("top_p"));
    }

    // Cancellation: generation stops between tokens once its request is cancelled from another thread (as the
    // local server does when the client's connection closes). Latches order the two threads; nothing sleeps.

    @Test
    void aCancelledGenerationStopsAfterTheTokenItIsWorkingOn() throws Exception {
        int[] prompt = prompt("Once upon a time");
        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch firstPiece = new CountDownLatch(1);
        CountDownLatch cancelSet = new CountDownLatch(1);
        List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            Future<Generator.Result> run = worker.submit(() -> new Generator(model)
                    .generate(
                            prompt,
                            SamplingParams.GREEDY.withMaxTokens(200),
                            piece -> {
                                pieces.add(piece);
                                firstPiece.countDown();
                                try {
                                    cancelSet.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            cancelled::get));
            // hang guards only: the latches, not the clock, order the threads
            assertTrue(firstPiece.await(5, TimeUnit.MINUTES), "the first piece never came");
            cancelled.set(true);
            cancelSet.countDown();
            ExecutionException failure = assertThrows(ExecutionException.class, () -> run.get(5, TimeUnit.MINUTES));
            assertInstanceOf(RequestCancelledException.class, failure.getCause());
            assertEquals(1, pieces.size(), "no token after the one being produced when cancelled: " + pieces);
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void aRequestCancelledBeforeItStartsReadsNoPrompt() {
        int[] prompt = prompt("Once upon a time");
        List<String> pieces = new ArrayList<>();
        RequestCancelledException e = assertThrows(
                RequestCancelledException.class,
                () -> new Generator(model)
                        .generate(prompt, SamplingParams.GREEDY.withMaxTokens(20), pieces::add, () -> true));
        assertTrue(e.getMessage().contains("prompt"), e.getMessage());
        assertEquals(List.of(), pieces);
    }

    @Test
    void neverCancelledRunsToItsLength() {
        Generator.Result r = new Generator(model)
                .generate(prompt("Once upon a time"), SamplingParams.GREEDY.withMaxTokens(12), null, Cancellation.NONE);
        assertEquals(12, r.completionTokens());
    }
}
