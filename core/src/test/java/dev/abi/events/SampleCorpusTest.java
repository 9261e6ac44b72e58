package dev.abi.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.namespace.QueryResult;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.LocalDiskObjectStore;
import dev.abi.vector.FilterParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quickstart corpus ({@code samples/corpus/iris/iris.jsonl}) goes in through event-triggered indexing, as if it
 * had landed in a bucket, and answers like the real data it is: flowers sit next to their own species.
 */
class SampleCorpusTest {

    private static final Path SAMPLES = Path.of("..", "samples", "corpus");

    @Test
    void irisIndexesFromABucketAndNeighboursShareASpecies() {
        Path file = SAMPLES.resolve("iris/iris.jsonl");
        assertTrue(Files.exists(file), "missing " + file.toAbsolutePath());
        NamespaceService namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
        LocalDiskObjectStore bucket = new LocalDiskObjectStore(SAMPLES);
        IndexResult result = ObjectIndexer.builder(name -> bucket, namespaces)
                .build()
                .index(new ObjectCreated("samples", "iris/iris.jsonl", null, 0, Instant.now()));
        assertEquals("iris", result.namespace());
        assertEquals(150, result.vectors());

        int sameSpecies = 0;
        for (int i = 1; i <= 150; i++) {
            var flower = namespaces.get("iris", "iris-%03d".formatted(i));
            QueryResult r = namespaces.query("iris", new NamespaceService.Query(flower.values(), 2, null, null));
            QueryResult.Match nearestOther = r.matches().get(0).vector().id().equals(flower.id())
                    ? r.matches().get(1)
                    : r.matches().get(0);
            if (nearestOther
                    .vector()
                    .attributes()
                    .get("species")
                    .equals(flower.attributes().get("species"))) {
                sameSpecies++;
            }
        }
        // Leave-one-out 1-NN on Fisher's iris is right for about 95% of flowers; shuffled labels would give ~33%.
        assertTrue(sameSpecies >= 135, "nearest neighbour shares the species for only " + sameSpecies + "/150");

        QueryResult setosa = namespaces.query(
                "iris",
                new NamespaceService.Query(
                        new float[] {6.5f, 3.0f, 5.5f, 2.0f},
                        10,
                        FilterParser.parse(Map.of("species", Map.of("$eq", "setosa"))),
                        null));
        assertEquals(10, setosa.matches().size());
        setosa.matches()
                .forEach(m -> assertEquals("setosa", m.vector().attributes().get("species")));
    }

    @Test
    void aRedeliveredEventForTheSameObjectVersionIsAppliedOnce() {
        InMemoryObjectStore state = new InMemoryObjectStore();
        NamespaceService namespaces = new NamespaceService(new NamespaceStore(state));
        LocalDiskObjectStore bucket = new LocalDiskObjectStore(SAMPLES);
        ObjectIndexer indexer = ObjectIndexer.builder(name -> bucket, namespaces)
                .idempotency(new dev.abi.store.ObjectMetadataStore(state, Clock.systemUTC()))
                .build();
        ObjectCreated event = new ObjectCreated("samples", "iris/iris.jsonl", "etag-1", 0, Instant.now());
        IndexResult first = indexer.index(event);
        IndexResult redelivered = indexer.index(event);
        assertEquals(IndexResult.Outcome.INDEXED, first.outcome());
        assertEquals(IndexResult.Outcome.ALREADY_INDEXED, redelivered.outcome());
        assertEquals(first.version(), redelivered.version());
        assertEquals(first.vectors(), redelivered.vectors());
        assertEquals(first.version(), namespaces.describe("iris").version(), "the redelivery committed nothing");
        IndexResult newUpload =
                indexer.index(new ObjectCreated("samples", "iris/iris.jsonl", "etag-2", 0, Instant.now()));
        assertEquals(first.version() + 1, newUpload.version(), "a new object version is indexed again");
    }
}
