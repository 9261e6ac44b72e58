package dev.abi.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.budget.BudgetExceededException;
import dev.abi.budget.Cancellation;
import dev.abi.budget.RequestCancelledException;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.testing.WordEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A documents upsert for a request: its token budget, and cancellation between embedding batches. */
class DocumentIndexBudgetTest {

    private final NamespaceService namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
    private WordEmbedder embedder = WordEmbedder.immediate();
    private final DocumentIndex index = new DocumentIndex(
            namespaces, name -> embedder, "words", new Chunker.Options(16, 2), DocumentIndex.Limits.defaults());
    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    /** 100 one-chunk documents: four embedding batches of at most 32. */
    private static List<Document> documents() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            docs.add(Document.text("d" + i, "five words in document " + i, Map.of()));
        }
        return docs;
    }

    @Test
    void aCancelledUpsertStopsAfterTheBatchItIsEmbeddingAndStoresNothing() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        embedder = WordEmbedder.blocking();
        Future<DocumentIndex.UpsertResult> run =
                worker.submit(() -> index.upsert("docs", documents(), null, null, Integer.MAX_VALUE, cancelled::get));
        // hang guards only: the latches, not the clock, order the threads
        assertTrue(embedder.firstBatch.await(1, TimeUnit.MINUTES), "the first batch never started");
        cancelled.set(true);
        embedder.release.countDown();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> run.get(1, TimeUnit.MINUTES));
        assertInstanceOf(RequestCancelledException.class, failure.getCause());
        assertEquals(1, embedder.batches.get(), "the batches after the cancellation are never embedded");
        assertTrue(namespaces.list().isEmpty(), "nothing was stored: " + namespaces.list());
    }

    @Test
    void uncancelledTheSameUpsertEmbedsEveryBatch() {
        DocumentIndex.UpsertResult r =
                index.upsert("docs", documents(), null, null, Integer.MAX_VALUE, Cancellation.NONE);
        assertEquals(100, r.chunks());
        assertEquals(4, embedder.batches.get());
    }

    @Test
    void chunksOverTheTokenBudgetAreRefusedBeforeAnythingIsEmbedded() {
        // each document is one chunk of 5 words: 7 tokens with the markers; 100 of them make 700
        BudgetExceededException e = assertThrows(
                BudgetExceededException.class,
                () -> index.upsert("docs", documents(), null, null, 699, Cancellation.NONE));
        assertEquals("documents", e.field());
        assertEquals(699, e.limit());
        assertTrue(e.getMessage().contains("documents[0] to [99] make 700 tokens"), e.getMessage());
        assertEquals(0, embedder.batches.get());
        assertEquals(
                100,
                index.upsert("docs", documents(), null, null, 700, Cancellation.NONE)
                        .chunks());
    }
}
