package dev.abi.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.ObjectStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What an object's life does to its namespace: created, delivered twice, replaced by a version with fewer records,
 * removed, written again with the same bytes, and the out-of-order cases; plus poison objects through
 * {@link EventProcessor}.
 */
class ObjectLifecycleTest {

    private final InMemoryObjectStore state = new InMemoryObjectStore();
    private final InMemoryObjectStore bucket = new InMemoryObjectStore();
    private final NamespaceService namespaces = new NamespaceService(new NamespaceStore(state));
    private final ObjectIndexer indexer = ObjectIndexer.builder(name -> bucket, namespaces)
            .idempotency(new ObjectMetadataStore(state, Clock.systemUTC()))
            .build();
    private final EventProcessor processor = new EventProcessor(indexer, new DeadLetters(state));

    private static byte[] lines(String... ids) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            b.append("{\"id\":\"")
                    .append(ids[i])
                    .append("\",\"values\":[")
                    .append(i + 1)
                    .append(",1,0]}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void put(String key, byte[] bytes) {
        bucket.get(key).ifPresent(o -> bucket.delete(key));
        bucket.putIfAbsent(key, bytes);
    }

    private Set<String> ids(String namespace) {
        Set<String> out = new TreeSet<>();
        namespaces.countWhere(namespace, (id, attrs) -> out.add(id));
        return out;
    }

    @Test
    void createdRedeliveredReplacedAndRemoved() {
        put("docs/a.jsonl", lines("a1", "a2", "a3"));
        put("docs/b.jsonl", lines("b1"));
        IndexResult a = processor.process(new ObjectCreated("bkt", "docs/a.jsonl", "e1", "v1", 100, Instant.now()));
        processor.process(new ObjectCreated("bkt", "docs/b.jsonl", "e9", "v9", 100, Instant.now()));
        assertEquals(IndexResult.Outcome.INDEXED, a.outcome());
        assertEquals(3, a.vectors());
        assertEquals(Set.of("a1", "a2", "a3", "b1"), ids("docs"));
        long head = namespaces.describe("docs").version();

        IndexResult again = processor.process(new ObjectCreated("bkt", "docs/a.jsonl", "e1", "v1", 100, Instant.now()));
        assertEquals(IndexResult.Outcome.ALREADY_INDEXED, again.outcome());
        assertEquals(head, namespaces.describe("docs").version(), "a redelivery commits nothing");

        put("docs/a.jsonl", lines("a1", "a4"));
        IndexResult v2 = processor.process(new ObjectCreated("bkt", "docs/a.jsonl", "e2", "v2", 100, Instant.now()));
        assertEquals(2, v2.vectors());
        assertEquals(2, v2.removed(), "a2 and a3 are gone from the new version");
        assertEquals(Set.of("a1", "a4", "b1"), ids("docs"));
        assertEquals("docs/a.jsonl", namespaces.get("docs", "a4").attributes().get("source"));
        assertEquals(
                "bkt/docs/a.jsonl", namespaces.get("docs", "a4").attributes().get(ObjectIndexer.SOURCE));

        bucket.delete("docs/a.jsonl");
        IndexResult removed = processor.process(new ObjectRemoved("bkt", "docs/a.jsonl", "v3", Instant.now()));
        assertEquals(IndexResult.Outcome.REMOVED, removed.outcome());
        assertEquals(2, removed.removed());
        assertEquals(Set.of("b1"), ids("docs"), "another object's vectors stay");
        assertEquals(
                0,
                processor
                        .process(new ObjectRemoved("bkt", "docs/a.jsonl", "v3", Instant.now()))
                        .removed(),
                "a redelivered removal deletes nothing more");
    }

    @Test
    void theSameBytesWrittenAgainAfterARemovalAreIndexedAgain() {
        put("docs/a.jsonl", lines("a1"));
        processor.process(new ObjectCreated("bkt", "docs/a.jsonl", "same-etag", 10, Instant.now()));
        bucket.delete("docs/a.jsonl");
        processor.process(new ObjectRemoved("bkt", "docs/a.jsonl", Instant.now()));
        assertEquals(Set.of(), ids("docs"));
        put("docs/a.jsonl", lines("a1"));
        IndexResult r = processor.process(new ObjectCreated("bkt", "docs/a.jsonl", "same-etag", 10, Instant.now()));
        assertEquals(IndexResult.Outcome.INDEXED, r.outcome(), "no version, same etag: still indexed again");
        assertEquals(Set.of("a1"), ids("docs"));
    }

    @Test
    void outOfOrderEventsFollowTheBucketAsItIsNow() {
        put("docs/a.jsonl", lines("a1"));
        IndexResult late = processor.process(new ObjectRemoved("bkt", "docs/a.jsonl", Instant.now()));
        assertEquals(IndexResult.Outcome.SKIPPED, late.outcome(), "the object exists again");
        processor.process(new ObjectCreated("bkt", "docs/a.jsonl", "e1", 10, Instant.now()));
        bucket.delete("docs/a.jsonl");
        IndexResult gone = processor.process(new ObjectCreated("bkt", "docs/a.jsonl", "e2", 10, Instant.now()));
        assertEquals(IndexResult.Outcome.SKIPPED, gone.outcome());
        assertTrue(gone.detail().contains("gone"), gone.detail());
        assertEquals(Set.of("a1"), ids("docs"), "left for the removal event");
    }

    @Test
    void aPoisonObjectIsDeadLetteredOnceAndTheNextObjectStillIndexes() {
        put("docs/bad.jsonl", "{\"id\":\"x\",\"values\":[1,\"two\"]}\n".getBytes(StandardCharsets.UTF_8));
        put("docs/good.jsonl", lines("g1"));
        put("loose.jsonl", lines("l1"));
        IndexResult bad = processor.process(new ObjectCreated("bkt", "docs/bad.jsonl", "e1", 40, Instant.now()));
        assertEquals(IndexResult.Outcome.DEAD_LETTERED, bad.outcome());
        assertTrue(bad.detail().contains("docs/bad.jsonl") && bad.detail().contains("values[1]"), bad.detail());
        IndexResult twice = processor.process(new ObjectCreated("bkt", "docs/bad.jsonl", "e1", 40, Instant.now()));
        assertTrue(twice.detail().endsWith("(already recorded)"), twice.detail());
        IndexResult unmapped = processor.process(new ObjectCreated("bkt", "loose.jsonl", "e1", 40, Instant.now()));
        assertEquals(IndexResult.Outcome.DEAD_LETTERED, unmapped.outcome());
        IndexResult huge =
                processor.process(new ObjectCreated("bkt", "docs/huge.jsonl", "e1", 1L << 40, Instant.now()));
        assertTrue(huge.detail().contains("the limit is"), huge.detail());
        assertEquals(
                IndexResult.Outcome.INDEXED,
                processor
                        .process(new ObjectCreated("bkt", "docs/good.jsonl", "e1", 10, Instant.now()))
                        .outcome());

        List<DeadLetters.DeadLetter> letters = new DeadLetters(state).list(100);
        assertEquals(3, letters.size(), "one record per poison object write: " + letters);
        assertTrue(letters.stream()
                .anyMatch(l -> l.key().equals("docs/bad.jsonl") && l.writeId().equals("e1")));
    }

    @Test
    void anObjectOverTheLimitIsRefusedUnreadEvenWhenTheEventGivesNoSize() {
        put("docs/big.jsonl", lines("b1", "b2", "b3"));
        AtomicInteger reads = new AtomicInteger();
        ObjectIndexer small = ObjectIndexer.builder(name -> new CountingStore(bucket, reads), namespaces)
                .formats(new dev.abi.documents.DocumentFormats.Options(40, "text", "id"))
                .build();
        IndexResult r = new EventProcessor(small, new DeadLetters(state))
                .process(new ObjectCreated("bkt", "docs/big.jsonl", "e1", -1, Instant.now()));
        assertEquals(IndexResult.Outcome.DEAD_LETTERED, r.outcome());
        assertTrue(r.detail().contains("the limit is 40"), r.detail());
        assertEquals(0, reads.get(), "the object was never read");
    }

    /** A bucket that counts whole-object reads. */
    private static final class CountingStore implements dev.abi.store.ObjectStore {
        private final InMemoryObjectStore inner;
        private final AtomicInteger reads;

        CountingStore(InMemoryObjectStore inner, AtomicInteger reads) {
            this.inner = inner;
            this.reads = reads;
        }

        @Override
        public Optional<dev.abi.store.StoredObject> get(String key) {
            reads.incrementAndGet();
            return inner.get(key);
        }

        @Override
        public byte[] getRange(String key, long offset, int length) {
            return inner.getRange(key, offset, length);
        }

        @Override
        public String putIfAbsent(String key, byte[] bytes) {
            return inner.putIfAbsent(key, bytes);
        }

        @Override
        public String putIfMatch(String key, byte[] bytes, String etag) {
            return inner.putIfMatch(key, bytes, etag);
        }

        @Override
        public List<dev.abi.store.ObjectInfo> list(String prefix) {
            return inner.list(prefix);
        }

        @Override
        public void delete(String key) {
            inner.delete(key);
        }

        @Override
        public String describe() {
            return "counting " + inner.describe();
        }
    }

    @Test
    void aTransientFailureIsThrownForRedeliveryNotDeadLettered() {
        EventProcessor p = new EventProcessor(
                ObjectIndexer.builder(
                                name -> {
                                    throw new ObjectStoreException(
                                            "bucket unreachable", new IOException("connection reset"));
                                },
                                namespaces)
                        .build(),
                new DeadLetters(state));
        assertThrows(
                ObjectStoreException.class,
                () -> p.process(new ObjectCreated("bkt", "docs/a.jsonl", "e1", 10, Instant.now())));
        assertEquals(0, new DeadLetters(state).list(10).size());
    }
}
