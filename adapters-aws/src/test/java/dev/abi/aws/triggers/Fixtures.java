package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.EventJson;
import dev.abi.adapters.ObjectEventHandler;
import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentIndex;
import dev.abi.events.DeadLetters;
import dev.abi.events.EventProcessor;
import dev.abi.events.ObjectIndexer;
import dev.abi.inference.Embedder;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/** AWS fixtures, and a core event path over in-memory stores for the trigger unit tests. */
final class Fixtures {

    final InMemoryObjectStore state = new InMemoryObjectStore();
    final InMemoryObjectStore bucket = new InMemoryObjectStore();
    final NamespaceService namespaces = new NamespaceService(new NamespaceStore(state));
    final DocumentIndex documents = new DocumentIndex(
            namespaces,
            name -> new WordCountEmbedder(),
            "words",
            Chunker.Options.defaults(),
            DocumentIndex.Limits.defaults());
    /** Bucket {@code unreachable} fails as a network outage would. */
    final ObjectEventHandler handler = new ObjectEventHandler(new EventProcessor(
            ObjectIndexer.builder(this::store, namespaces)
                    .idempotency(new ObjectMetadataStore(state, Clock.systemUTC()))
                    .documents(documents)
                    .build(),
            new DeadLetters(state)));

    /**
     * A stand-in embedding model for routing tests (what reaches core, not how well it ranks): one token per word,
     * vectors from the words' hashes. The end-to-end tests use the real MiniLM model.
     */
    static final class WordCountEmbedder implements Embedder {
        @Override
        public String name() {
            return "words";
        }

        @Override
        public int dimension() {
            return 8;
        }

        @Override
        public int maxTokens() {
            return 512;
        }

        @Override
        public int countTokens(String text) {
            return tokenize(text).length;
        }

        @Override
        public int[] tokenize(String text) {
            return Arrays.stream(text.split("\\s+"))
                    .filter(w -> !w.isEmpty())
                    .mapToInt(String::hashCode)
                    .toArray();
        }

        @Override
        public float[][] embedTokens(List<int[]> inputs) {
            float[][] out = new float[inputs.size()][8];
            for (int i = 0; i < out.length; i++) {
                out[i][0] = 1;
                for (int t : inputs.get(i)) {
                    out[i][Math.floorMod(t, 8)] += 1;
                }
            }
            return out;
        }
    }

    private ObjectStore store(String name) {
        if (name.equals("unreachable")) {
            throw new ObjectStoreException("bucket unreachable", new IOException("connection reset"));
        }
        return bucket;
    }

    static JsonNode json(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/aws/" + path)) {
            return EventJson.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
