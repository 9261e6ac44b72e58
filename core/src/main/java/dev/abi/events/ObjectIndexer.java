package dev.abi.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.documents.Document;
import dev.abi.documents.DocumentFormatException;
import dev.abi.documents.DocumentFormats;
import dev.abi.documents.DocumentIndex;
import dev.abi.namespace.NamespaceLimits;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.VectorRecord;
import dev.abi.store.MetadataStore;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectStore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Event-triggered indexing: an object that lands in a bucket is read through that cloud's {@link ObjectStore} and
 * upserted into the namespace its {@link NamespaceMapping} names (by default the key's first folder:
 * {@code docs/part-1.jsonl} goes to {@code docs}); a removed object takes its vectors with it.
 *
 * <p>Files are read with {@link DocumentFormats} ({@code .txt .md .jsonl .json .csv}): documents with text are
 * chunked and embedded through {@link DocumentIndex}; lines that carry vectors ({@code {"id","values"}}) are
 * upserted as they are. Without a {@link DocumentIndex} (no embedding model configured) only vector lines are
 * accepted, and text is refused with an error naming the object.
 *
 * <p>Every vector written carries {@code source} (the key) and {@link #SOURCE} ({@code bucket/key}): a new version
 * of the object replaces its documents and drops the ones it no longer has, and a removal deletes them all. Events
 * are delivered at least once and in no guaranteed order, so the indexer reads the object as it is now: a created
 * event for an object that is gone again, or a removed event for one that exists again, changes nothing.
 */
public final class ObjectIndexer {

    /** The attribute that ties a vector to the object it came from: {@code bucket/key}. */
    public static final String SOURCE = "abi.source";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECORD_TTL = Duration.ofDays(7);

    private final Function<String, ObjectStore> bucketStores;
    private final NamespaceService namespaces;
    private final NamespaceLimits limits;
    private final MetadataStore idempotency;
    private final DocumentIndex documents;
    private final DocumentFormats.Options formats;
    private final NamespaceMapping mapping;

    private ObjectIndexer(Builder b) {
        this.bucketStores = b.bucketStores;
        this.namespaces = b.namespaces;
        this.limits = b.limits;
        this.idempotency = b.idempotency;
        this.documents = b.documents;
        this.formats = b.formats;
        this.mapping = b.mapping;
    }

    /** An indexer reading objects through {@code bucketStores} (a bucket name to its store) into {@code namespaces}. */
    public static Builder builder(Function<String, ObjectStore> bucketStores, NamespaceService namespaces) {
        return new Builder(bucketStores, namespaces);
    }

    /** Assembles an {@link ObjectIndexer}; each option states its default. */
    public static final class Builder {
        private final Function<String, ObjectStore> bucketStores;
        private final NamespaceService namespaces;
        private NamespaceLimits limits = NamespaceLimits.defaults();
        private MetadataStore idempotency;
        private DocumentIndex documents;
        private DocumentFormats.Options formats = DocumentFormats.Options.defaults();
        private NamespaceMapping mapping = NamespaceMapping.byFolder();

        private Builder(Function<String, ObjectStore> bucketStores, NamespaceService namespaces) {
            this.bucketStores = Objects.requireNonNull(bucketStores, "bucketStores");
            this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        }

        /** Batch size and id length of the vectors written; default {@link NamespaceLimits#defaults()}. */
        public Builder limits(NamespaceLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Where indexed object versions are recorded, so that a redelivered event for the same bucket, key and
         * version (or etag) is applied once; default null: every delivery is indexed.
         */
        public Builder idempotency(MetadataStore idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        /** Where text documents are chunked and embedded; default null: only vector lines are accepted. */
        public Builder documents(DocumentIndex documents) {
            this.documents = documents;
            return this;
        }

        /** File size limit and CSV columns; default {@link DocumentFormats.Options#defaults()}. */
        public Builder formats(DocumentFormats.Options formats) {
            this.formats = Objects.requireNonNull(formats, "formats");
            return this;
        }

        /** Which namespace an object goes to; default {@link NamespaceMapping#byFolder()}. */
        public Builder mapping(NamespaceMapping mapping) {
            this.mapping = Objects.requireNonNull(mapping, "mapping");
            return this;
        }

        public ObjectIndexer build() {
            return new ObjectIndexer(this);
        }
    }

    /**
     * Indexes the object, replacing what an earlier version of it contributed; or returns the recorded result, as
     * {@link IndexResult.Outcome#ALREADY_INDEXED}, when this object write was already indexed.
     *
     * @throws UnsupportedObjectException when the object cannot be indexed (no mapping, format, size, content): the
     *     message names the object, and delivering the event again cannot help
     */
    public IndexResult index(ObjectCreated event) {
        NamespaceMapping.Target target = target(event.bucket(), event.key());
        String ref = event.bucket() + "/" + event.key();
        String recordKey = event.writeId() == null ? null : "object " + ref + " " + event.writeId();
        var replay = replay(recordKey, target.namespace(), ref);
        if (replay.isPresent()) {
            return replay.get();
        }
        ObjectStore bucket = bucketStores.apply(event.bucket());
        long size = event.size() >= 0
                ? event.size()
                : bucket.list(event.key(), null, 1).stream()
                        .filter(o -> o.key().equals(event.key()))
                        .mapToLong(ObjectInfo::size)
                        .findFirst()
                        .orElse(-1);
        if (size > formats.maxBytes()) { // checked before the object is read: a huge file never reaches the heap
            throw new UnsupportedObjectException(
                    "object '" + event.key() + "' is " + size + " bytes; the limit is " + formats.maxBytes());
        }
        if (documents != null
                ? !DocumentFormats.supported(event.key())
                : !event.key().endsWith(".jsonl")) {
            throw new UnsupportedObjectException(
                    documents != null
                            ? "object '" + event.key() + "': unknown format; supported: "
                                    + String.join(", ", DocumentFormats.EXTENSIONS)
                            : "object '" + event.key()
                                    + "': only .jsonl files of vectors are indexed without an embedding model;"
                                    + " text documents (.txt, .md, .json, .csv) need one configured");
        }
        var object = bucket.get(event.key());
        if (object.isEmpty()) {
            return IndexResult.skipped(
                    event.bucket(),
                    event.key(),
                    target.namespace(),
                    "the object is gone from the bucket; its removal event deletes its documents");
        }
        if (recordKey == null && object.get().etag() != null) {
            // the trigger knew no version (a blob trigger): the etag read is the write's identity
            recordKey = "object " + ref + " " + object.get().etag();
            replay = replay(recordKey, target.namespace(), ref);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        byte[] bytes = object.get().bytes();
        if (bytes.length > formats.maxBytes()) {
            throw new UnsupportedObjectException(
                    "object '" + event.key() + "' is " + bytes.length + " bytes; the limit is " + formats.maxBytes());
        }
        Written written = documents != null
                ? writeDocuments(event.key(), ref, target, bytes)
                : writeVectorLines(event.key(), ref, target.namespace(), bytes);
        Set<String> keep = written.documentIds();
        var pruned = namespaces.deleteWhere(
                target.namespace(),
                (id, attrs) -> ref.equals(attrs.get(SOURCE)) && !keep.contains(documentIdOf(id, attrs)));
        long version = Math.max(written.version(), pruned.count() > 0 ? pruned.version() : -1);
        IndexResult result = new IndexResult(
                event.bucket(),
                event.key(),
                target.namespace(),
                IndexResult.Outcome.INDEXED,
                written.vectors(),
                pruned.count(),
                version,
                null);
        if (idempotency != null && recordKey != null) {
            try {
                idempotency.recordIdempotentResult(recordKey, JSON.writeValueAsBytes(result), RECORD_TTL);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result;
    }

    /**
     * Deletes every vector the object contributed, unless the object exists again (written after the removal, so
     * its own created event is what counts).
     *
     * @throws UnsupportedObjectException when no namespace mapping takes the object
     */
    public IndexResult remove(ObjectRemoved event) {
        NamespaceMapping.Target target = target(event.bucket(), event.key());
        boolean existsAgain = bucketStores.apply(event.bucket()).list(event.key(), null, 1).stream()
                .anyMatch(o -> o.key().equals(event.key()));
        if (existsAgain) {
            return IndexResult.skipped(
                    event.bucket(), event.key(), target.namespace(), "the object exists again; its documents stay");
        }
        String ref = event.bucket() + "/" + event.key();
        var deleted = namespaces.deleteWhere(target.namespace(), (id, attrs) -> ref.equals(attrs.get(SOURCE)));
        return new IndexResult(
                event.bucket(),
                event.key(),
                target.namespace(),
                IndexResult.Outcome.REMOVED,
                0,
                deleted.count(),
                deleted.count() > 0 ? deleted.version() : -1,
                null);
    }

    private NamespaceMapping.Target target(String bucket, String key) {
        return mapping.map(bucket, key)
                .orElseThrow(() -> new UnsupportedObjectException("object '" + key
                        + "' in bucket '" + bucket + "': no namespace mapping takes it (mapping: " + mapping
                        + "); with {folder}, the object must sit under a folder named after its namespace, e.g. docs/"
                        + key.substring(key.lastIndexOf('/') + 1)));
    }

    /**
     * The recorded result of this object write, as {@code ALREADY_INDEXED}; empty when there is none, or when the
     * namespace no longer holds the object's vectors (indexed, removed since, and written again with the same bytes).
     */
    private Optional<IndexResult> replay(String recordKey, String namespace, String ref) {
        if (idempotency == null || recordKey == null) {
            return Optional.empty();
        }
        return idempotency
                .idempotentResult(recordKey)
                .flatMap(ObjectIndexer::readResult)
                .filter(r -> r.vectors() == 0
                        || namespaces.countWhere(namespace, (id, attrs) -> ref.equals(attrs.get(SOURCE))) > 0)
                .map(r -> r.as(IndexResult.Outcome.ALREADY_INDEXED));
    }

    private static Optional<IndexResult> readResult(byte[] bytes) {
        try {
            IndexResult r = JSON.readValue(bytes, IndexResult.class);
            return r.outcome() == null ? Optional.empty() : Optional.of(r);
        } catch (IOException unreadable) {
            return Optional.empty(); // index again: writes are idempotent
        }
    }

    private static String documentIdOf(String id, Map<String, Object> attrs) {
        return attrs.get(DocumentIndex.DOCUMENT_ID) instanceof String doc ? doc : id;
    }

    private record Written(int vectors, long version, Set<String> documentIds) {}

    private Written writeVectorLines(String key, String ref, String namespace, byte[] bytes) {
        List<VectorRecord> batch = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int total = 0;
        long version = -1;
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = lines.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                VectorRecord r = parseLine(key, lineNo, line);
                Map<String, Object> attrs = new LinkedHashMap<>(r.attributes());
                attrs.put("source", key);
                attrs.put(SOURCE, ref);
                batch.add(new VectorRecord(r.id(), r.values(), attrs));
                ids.add(r.id());
                if (batch.size() == limits.maxBatch()) {
                    version = namespaces.upsert(namespace, batch).version();
                    total += batch.size();
                    batch = new ArrayList<>();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!batch.isEmpty()) {
            version = namespaces.upsert(namespace, batch).version();
            total += batch.size();
        }
        return new Written(total, version, ids);
    }

    /** Text documents chunked and embedded, vector documents as they are, in batches. */
    private Written writeDocuments(String key, String ref, NamespaceMapping.Target target, byte[] bytes) {
        String namespace = target.namespace();
        List<Document> docs;
        try {
            docs = DocumentFormats.parse(target.documentPath(), bytes, formats);
        } catch (DocumentFormatException e) {
            throw new UnsupportedObjectException("object '" + key + "': " + e.getMessage());
        }
        Set<String> ids = new HashSet<>();
        int total = 0;
        long version = -1;
        List<VectorRecord> vectors = new ArrayList<>();
        List<Document> texts = new ArrayList<>();
        long textBytes = 0;
        for (Document d : docs) {
            ids.add(d.id());
            Map<String, Object> attrs = new LinkedHashMap<>(d.attributes());
            attrs.put("source", key);
            attrs.put(SOURCE, ref);
            if (d.vector() != null) {
                vectors.add(new VectorRecord(d.id(), d.vector(), attrs));
                if (vectors.size() == limits.maxBatch()) {
                    version = namespaces.upsert(namespace, vectors).version();
                    total += vectors.size();
                    vectors = new ArrayList<>();
                }
                continue;
            }
            texts.add(Document.text(d.id(), d.text(), attrs));
            textBytes += d.text().length();
            if (texts.size() == 64 || textBytes >= 1 << 20) {
                DocumentIndex.UpsertResult r = upsertText(namespace, key, texts);
                version = r.version();
                total += r.chunks();
                texts = new ArrayList<>();
                textBytes = 0;
            }
        }
        if (!vectors.isEmpty()) {
            version = namespaces.upsert(namespace, vectors).version();
            total += vectors.size();
        }
        if (!texts.isEmpty()) {
            DocumentIndex.UpsertResult r = upsertText(namespace, key, texts);
            version = r.version();
            total += r.chunks();
        }
        return new Written(total, version, ids);
    }

    private DocumentIndex.UpsertResult upsertText(String namespace, String key, List<Document> texts) {
        try {
            return documents.upsert(namespace, texts, null, null);
        } catch (DocumentFormatException e) {
            throw new UnsupportedObjectException("object '" + key + "': " + e.getMessage());
        }
    }

    private VectorRecord parseLine(String key, int lineNo, String line) {
        String where = "object '" + key + "' line " + lineNo;
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new UnsupportedObjectException(where + " is not JSON");
        }
        if (node == null
                || !node.isObject()
                || !node.path("id").isTextual()
                || !node.path("values").isArray()) {
            throw new UnsupportedObjectException(where + " needs \"id\" (string) and \"values\" (array of numbers)"
                    + (node != null && node.has("text") ? "; text lines need an embedding model configured" : ""));
        }
        String id = node.get("id").textValue();
        if (id.isEmpty() || id.getBytes(StandardCharsets.UTF_8).length > limits.maxIdBytes()) {
            throw new UnsupportedObjectException(where + ": id must be 1 to " + limits.maxIdBytes() + " bytes");
        }
        JsonNode values = node.get("values");
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = values.get(i);
            if (!e.isNumber() || !Float.isFinite((float) e.doubleValue())) {
                throw new UnsupportedObjectException(where + ": values[" + i + "] must be a finite number");
            }
            v[i] = (float) e.doubleValue();
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        JsonNode a = node.get("attributes");
        if (a != null && a.isObject()) {
            a.properties().forEach(e -> attrs.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
        }
        return new VectorRecord(id, v, attrs);
    }
}
