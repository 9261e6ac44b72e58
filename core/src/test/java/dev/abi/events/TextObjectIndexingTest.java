package dev.abi.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentIndex;
import dev.abi.inference.ModelRegistry;
import dev.abi.inference.convert.EmbeddingFixtures;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.namespace.QueryResult;
import dev.abi.store.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Text files landing in a bucket are chunked, embedded and searchable: a Markdown page and a CSV of FAQ rows go in
 * through {@link ObjectIndexer} with the real MiniLM model; a file in an unknown format is refused naming its key.
 */
class TextObjectIndexingTest {

    @Test
    void markdownAndCsvObjectsBecomeSearchableText() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(EmbeddingFixtures.SHARED_Q8),
                "skipped: " + EmbeddingFixtures.SHARED_Q8.toAbsolutePath().normalize()
                        + " is absent (../shared/models)");
        try (ModelRegistry models = new ModelRegistry(Map.of("minilm", EmbeddingFixtures.SHARED_Q8))) {
            NamespaceService namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
            DocumentIndex documents = new DocumentIndex(
                    namespaces,
                    models::embedder,
                    "minilm",
                    Chunker.Options.defaults(),
                    DocumentIndex.Limits.defaults());
            InMemoryObjectStore bucket = new InMemoryObjectStore();
            bucket.putIfAbsent(
                    "kb/guides/marathon.md",
                    Files.readAllBytes(Path.of("..", "samples", "corpus", "handbook", "marathon.md")));
            bucket.putIfAbsent(
                    "kb/faq.csv",
                    ("id,text,topic\n"
                                    + "reset,\"To reset your password, open Settings, then Security, and choose Reset.\",account\n"
                                    + "refund,Refunds reach your card within five working days.,billing\n")
                            .getBytes(StandardCharsets.UTF_8));
            bucket.putIfAbsent("kb/scan.pdf", new byte[] {'%', 'P', 'D', 'F'});
            ObjectIndexer indexer = ObjectIndexer.builder(name -> bucket, namespaces)
                    .documents(documents)
                    .build();

            IndexResult md = indexer.index(new ObjectCreated("b", "kb/guides/marathon.md", "e1", 0, Instant.now()));
            assertEquals("kb", md.namespace());
            assertTrue(md.vectors() >= 1);
            IndexResult csv = indexer.index(new ObjectCreated("b", "kb/faq.csv", "e2", 0, Instant.now()));
            assertEquals(2, csv.vectors());

            QueryResult r = documents.query("kb", "I forgot my password", null, 1, null, null);
            assertEquals("reset", r.matches().get(0).vector().attributes().get(DocumentIndex.DOCUMENT_ID));
            assertEquals("account", r.matches().get(0).vector().attributes().get("topic"));
            assertEquals("kb/faq.csv", r.matches().get(0).vector().attributes().get("source"));
            QueryResult run = documents.query("kb", "how long is the longest training run", null, 1, null, null);
            assertEquals(
                    "guides/marathon.md",
                    run.matches().get(0).vector().attributes().get(DocumentIndex.DOCUMENT_ID));

            UnsupportedObjectException e = assertThrows(
                    UnsupportedObjectException.class,
                    () -> indexer.index(new ObjectCreated("b", "kb/scan.pdf", "e3", 0, Instant.now())));
            assertTrue(e.getMessage().contains("kb/scan.pdf"), e.getMessage());
        }
    }
}
