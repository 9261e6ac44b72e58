package dev.abi.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.documents.Document;
import dev.abi.documents.DocumentFormatException;
import dev.abi.documents.DocumentFormats;
import dev.abi.documents.DocumentIndex;
import dev.abi.gateway.Limits;
import dev.abi.namespace.NamespaceService;
import dev.abi.store.MetadataStore;
import dev.abi.namespace.VectorRecord;
import dev.abi.store.ObjectStore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Event-triggered indexing: an object that lands in a bucket is read through that cloud's {@link ObjectStore} and
 * upserted into the namespace named by the first segment of its key ({@code docs/part-1.jsonl} goes to {@code docs}).
 *
 * <p>Files are read with {@link DocumentFormats} ({@code .txt .md .jsonl .json .csv}): documents with text are
 * chunked and embedded through {@link DocumentIndex}; lines that carry vectors ({@code {"id","values"}}) are
 * upserted as they are. Without a {@link DocumentIndex} (no embedding model configured) only vector lines are
 * accepted, and text is refused with an error naming the object.
 */
public final class ObjectIndexer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.time.Duration RECORD_TTL = java.time.Duration.ofDays(1);

    private final Function<String, ObjectStore> bucketStores;
    private final NamespaceService namespaces;
    private final Limits limits;

    private final MetadataStore idempotency;
    private final DocumentIndex documents;
    private final DocumentFormats.Options formats;

    public ObjectIndexer(Function<String, ObjectStore> bucketStores, NamespaceService namespaces, Limits limits) {
        this(bucketStores, namespaces, limits, null);
    }

    /**
     * @param idempotency where indexed object versions are recorded, so that a redelivered event for the same
     *     bucket, key and etag is applied once (events are delivered at least once); null to index every delivery
     */
    public ObjectIndexer(Function<String, ObjectStore> bucketStores, NamespaceService namespaces, Limits limits,
                         MetadataStore idempotency) {
        this(bucketStores, namespaces, limits, idempotency, null, DocumentFormats.Options.defaults());
    }

    /**
     * @param documents where text documents are chunked and embedded; null to accept vector lines only
     * @param formats   file size limit and CSV columns
     */
    public ObjectIndexer(Function<String, ObjectStore> bucketStores, NamespaceService namespaces, Limits limits,
                         MetadataStore idempotency, DocumentIndex documents, DocumentFormats.Options formats) {
        this.bucketStores = bucketStores;
        this.namespaces = namespaces;
        this.limits = limits;
        this.idempotency = idempotency;
        this.documents = documents;
        this.formats = formats;
    }

    /** Indexes the object, or returns the recorded result when this object version was already indexed. */
    public IndexResult index(ObjectCreated event) {
        String key = event.etag() == null || event.etag().isBlank() ? null
                : "object " + event.bucket() + "/" + event.key() + " " + event.etag();
        if (idempotency != null && key != null) {
            var recorded = idempotency.idempotentResult(key);
            if (recorded.isPresent()) {
                try {
                    return JSON.readValue(recorded.get(), IndexResult.class);
                } catch (IOException unreadable) {
                    // index again: upserts are idempotent
                }
            }
        }
        IndexResult result = indexOnce(event);
        if (idempotency != null && key != null) {
            try {
                idempotency.recordIdempotentResult(key, JSON.writeValueAsBytes(result), RECORD_TTL);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result;
    }

    private IndexResult indexOnce(ObjectCreated event) {
        String key = event.key();
        int slash = key.indexOf('/');
        if (slash <= 0) {
            throw new UnsupportedObjectException("object '" + key + "' must sit under a folder named after its namespace,"
                    + " e.g. docs/" + key);
        }
        String namespace = key.substring(0, slash);
        if (!Limits.NAMESPACE_NAME.matcher(namespace).matches()) {
            throw new UnsupportedObjectException("object '" + key + "': '" + namespace + "' is not a valid namespace name");
        }
        if (documents != null) {
            return indexDocuments(event, namespace);
        }
        if (!key.endsWith(".jsonl")) {
            throw new UnsupportedObjectException("object '" + key + "': only .jsonl files of vectors are indexed without"
                    + " an embedding model; text documents (.txt, .md, .json, .csv) need one configured");
        }
        byte[] bytes = bucketStores.apply(event.bucket()).get(key)
                .orElseThrow(() -> new UnsupportedObjectException("object '" + key + "' is gone from bucket '"
                        + event.bucket() + "'"))
                .bytes();
        List<VectorRecord> batch = new ArrayList<>();
        int total = 0;
        long version = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes),
                StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = lines.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                batch.add(parseLine(key, lineNo, line));
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
        return new IndexResult(event.bucket(), key, namespace, total, version);
    }

    /** Text documents chunked and embedded, vector documents as they are, in batches. */
    private IndexResult indexDocuments(ObjectCreated event, String namespace) {
        String key = event.key();
        if (!DocumentFormats.supported(key)) {
            throw new UnsupportedObjectException("object '" + key + "': unknown format; supported: "
                    + String.join(", ", DocumentFormats.EXTENSIONS));
        }
        byte[] bytes = bucketStores.apply(event.bucket()).get(key)
                .orElseThrow(() -> new UnsupportedObjectException("object '" + key + "' is gone from bucket '"
                        + event.bucket() + "'"))
                .bytes();
        List<Document> docs;
        try {
            docs = DocumentFormats.parse(key.substring(namespace.length() + 1), bytes, formats);
        } catch (DocumentFormatException e) {
            throw new UnsupportedObjectException("object '" + key + "': " + e.getMessage());
        }
        int total = 0;
        long version = -1;
        List<VectorRecord> vectors = new ArrayList<>();
        List<Document> texts = new ArrayList<>();
        long textBytes = 0;
        for (Document d : docs) {
            if (d.vector() != null) {
                Map<String, Object> attrs = new LinkedHashMap<>(d.attributes());
                attrs.put("source", key);
                vectors.add(new VectorRecord(d.id(), d.vector(), attrs));
                if (vectors.size() == limits.maxBatch()) {
                    version = namespaces.upsert(namespace, vectors).version();
                    total += vectors.size();
                    vectors = new ArrayList<>();
                }
                continue;
            }
            Map<String, Object> attrs = new LinkedHashMap<>(d.attributes());
            attrs.put("source", key);
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
        return new IndexResult(event.bucket(), key, namespace, total, version);
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
        if (node == null || !node.isObject() || !node.path("id").isTextual() || !node.path("values").isArray()) {
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
