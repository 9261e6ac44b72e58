package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.budget.Cancellation;
import dev.abi.budget.RequestCancelledException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * Generation stops between tokens once its request is cancelled from another thread (as the local server does when
 * the client's connection closes), on the real stories260K model. Latches order the two threads; nothing sleeps.
 */
class GeneratorCancellationTest {

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

    @Test
    void aCancelledGenerationStopsAfterTheTokenItIsWorkingOn() throws Exception {
        int[] prompt = prompt("Once upon a time");
        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch firstPiece = new CountDownLatch(1);
        CountDownLatch cancelSet = new CountDownLatch(1);
        List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            Future<Generator.Result> run = worker.submit(() -> new Generator(model).generate(prompt,
                    SamplingParams.GREEDY.withMaxTokens(200), piece -> {
                        pieces.add(piece);
                        firstPiece.countDown();
                        try {
                            cancelSet.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, cancelled::get));
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
        RequestCancelledException e = assertThrows(RequestCancelledException.class, () -> new Generator(model)
                .generate(prompt, SamplingParams.GREEDY.withMaxTokens(20), pieces::add, () -> true));
        assertTrue(e.getMessage().contains("prompt"), e.getMessage());
        assertEquals(List.of(), pieces);
    }

    @Test
    void neverCancelledRunsToItsLength() {
        Generator.Result r = new Generator(model).generate(prompt("Once upon a time"),
                SamplingParams.GREEDY.withMaxTokens(12), null, Cancellation.NONE);
        assertEquals(12, r.completionTokens());
    }
}
