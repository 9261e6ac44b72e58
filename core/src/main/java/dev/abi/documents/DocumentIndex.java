package dev.abi.documents;

import dev.abi.budget.BudgetExceededException;
import dev.abi.budget.Cancellation;
import dev.abi.budget.RequestCancelledException;
import dev.abi.inference.Embedder;
import dev.abi.namespace.Consistency;
import dev.abi.namespace.EmbeddingModelConflictException;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.QueryResult;
import dev.abi.namespace.VectorRecord;
import dev.abi.namespace.WriteResult;
import dev.abi.vector.Filter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Text in, vectors stored: documents are split into chunks ({@link Chunker}), embedded by a served model in
 * batches, and stored as vectors {@code {documentId}#{n}} in one commit per request, replacing the chunks each
 * document had before. Every chunk carries the document's attributes plus {@link #DOCUMENT_ID}, {@link #TEXT} and
 * {@link #CHUNK}. Text queries embed the query with the same model and search the namespace. A namespace records the
 * model of its first text documents; a request naming another one is refused ({@link
 * EmbeddingModelConflictException}), and one naming none uses it. With a {@link RemoteEmbedder}, a request's chunks are
 * offered to it first, all at once, and embedded here only when it answers empty.
 */
public final class DocumentIndex {

    /** The id of chunk {@code n} of a document: {@code {documentId}#{n}}, the one place this scheme is written. */
    public static String chunkId(String documentId, int n) {
        return documentId + "#" + n;
    }

    /** Attribute with the id of the document a chunk belongs to (filterable). */
    public static final String DOCUMENT_ID = "abi.documentId";
    /** Attribute with the chunk's text. */
    public static final String TEXT = "abi.text";
    /** Attribute with the chunk's number within its document. */
    public static final String CHUNK = "abi.chunk";

    /** How many inputs go through the model together. */
    static final int EMBED_BATCH = 32;

    /**
     * @param maxDocuments     most documents per request
     * @param maxDocumentBytes longest document text in UTF-8 bytes
     * @param maxChunks        most chunks per request (the embedding work of one call)
     */
    public record Limits(int maxDocuments, int maxDocumentBytes, int maxChunks) {
        public static Limits defaults() {
            return new Limits(1000, 1 << 20, 8192);
        }
    }

    /** Outcome of a documents upsert. */
    public record UpsertResult(int documents, int chunks, long version) {}

    private final NamespaceService namespaces;
    private final Function<String, Embedder> models;
    private final String defaultModel;
    private final Chunker.Options defaultChunking;
    private final Limits limits;
    private final RemoteEmbedder remote;

    /**
     * @param models       embedding models by name ({@code ModelRegistry::embedder})
     * @param defaultModel the model used when a request names none
     */
    public DocumentIndex(
            NamespaceService namespaces,
            Function<String, Embedder> models,
            String defaultModel,
            Chunker.Options defaultChunking,
            Limits limits) {
        this(namespaces, models, defaultModel, defaultChunking, limits, null);
    }

    /**
     * As {@link #DocumentIndex(NamespaceService, Function, String, Chunker.Options, Limits)}, asking {@code remote}
     * (the GPU service) to embed each request's chunks first.
     *
     * @param remote where an ingest's chunks are offered first, or null to embed everything here
     */
    public DocumentIndex(
            NamespaceService namespaces,
            Function<String, Embedder> models,
            String defaultModel,
            Chunker.Options defaultChunking,
            Limits limits,
            RemoteEmbedder remote) {
        this.remote = remote;
        this.namespaces = namespaces;
        this.models = models;
        this.defaultModel = defaultModel;
        this.defaultChunking = defaultChunking;
        this.limits = limits;
    }

    public String defaultModel() {
        return defaultModel;
    }

    public Chunker.Options defaultChunking() {
        return defaultChunking;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Chunks, embeds and stores the documents, replacing their previous chunks.
     *
     * @param model    the embedding model's name, or null for the default
     * @param chunking chunk sizes, or null for the default
     * @throws DocumentFormatException naming {@code documents[i]} for an empty id or text, a duplicate id, a text
     *     over the size limit, or too many chunks
     */
    public UpsertResult upsert(String namespace, List<Document> documents, String model, Chunker.Options chunking) {
        return upsert(namespace, documents, model, chunking, Integer.MAX_VALUE, Cancellation.NONE);
    }

    /**
     * As {@link #upsert(String, List, String, Chunker.Options)}, for one request of a caller: the chunks' tokens
     * (markers included) are held to {@code maxTokens} before anything is embedded, and {@code cancellation} is
     * checked before each batch of {@link #EMBED_BATCH} chunks.
     *
     * @throws BudgetExceededException naming {@code documents} when the chunks hold more than {@code maxTokens}
     * @throws RequestCancelledException once {@code cancellation} is set; nothing is stored then
     */
    public UpsertResult upsert(
            String namespace,
            List<Document> documents,
            String model,
            Chunker.Options chunking,
            int maxTokens,
            Cancellation cancellation) {
        if (documents.isEmpty()) {
            throw new DocumentFormatException("documents", "must hold at least one document");
        }
        if (documents.size() > limits.maxDocuments()) {
            throw new DocumentFormatException(
                    "documents", "holds " + documents.size() + " documents; the limit is " + limits.maxDocuments());
        }
        Chunker.Options opts = chunking == null ? defaultChunking : chunking;
        Map<String, Integer> seen = new HashMap<>();
        boolean needsModel = false;
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            String where = "documents[" + i + "]";
            if (d.id() == null || d.id().isEmpty() || d.id().contains("#")) {
                throw new DocumentFormatException(where + ".id", "must be a non-empty string without '#'");
            }
            Integer before = seen.put(d.id(), i);
            if (before != null) {
                throw new DocumentFormatException(where + ".id", "'" + d.id() + "' is also documents[" + before + "]");
            }
            if (d.vector() == null) {
                needsModel = true;
                if (d.text() == null || d.text().isBlank()) {
                    throw new DocumentFormatException(where + ".text", "must be a non-empty string");
                }
                int bytes = d.text().getBytes(StandardCharsets.UTF_8).length;
                if (bytes > limits.maxDocumentBytes()) {
                    throw new DocumentFormatException(
                            where + ".text", "is " + bytes + " bytes; the limit is " + limits.maxDocumentBytes());
                }
            }
        }
        String modelName = needsModel ? modelFor(namespace, model) : null;
        Embedder embedder = needsModel ? models.apply(modelName) : null;
        if (embedder != null && opts.windowTokens() > embedder.maxTokens() - 2) {
            opts = new Chunker.Options(
                    embedder.maxTokens() - 2, Math.min(opts.overlapTokens(), (embedder.maxTokens() - 2) / 2 - 1));
        }

        List<String> texts = new ArrayList<>();
        List<VectorRecord> records = new ArrayList<>();
        List<Integer> pending = new ArrayList<>(); // indexes in records still waiting for their vector
        Chunker chunker = embedder == null ? null : new Chunker(embedder::countTokens, opts);
        long tokens = 0;
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            if (d.vector() != null) {
                records.add(new VectorRecord(chunkId(d.id(), 0), d.vector(), attributes(d, 0, d.text())));
                continue;
            }
            List<Chunker.Chunk> chunks = chunker.split(d.text());
            for (int n = 0; n < chunks.size(); n++) {
                tokens += chunks.get(n).tokens() + 2; // with the model's [CLS] and [SEP]
                texts.add(chunks.get(n).text());
                pending.add(records.size());
                records.add(new VectorRecord(
                        chunkId(d.id(), n), null, attributes(d, n, chunks.get(n).text())));
            }
            if (records.size() > limits.maxChunks()) {
                throw new DocumentFormatException(
                        "documents",
                        "make more than " + limits.maxChunks()
                                + " chunks in one request; send fewer or shorter documents per request");
            }
            if (tokens > maxTokens) {
                throw new BudgetExceededException(
                        "documents",
                        "documents[0] to [" + i + "] make " + tokens
                                + " tokens to embed; one request may embed at most " + maxTokens
                                + "; send fewer or shorter documents per request",
                        maxTokens);
            }
        }
        float[][] remoteVectors = null;
        if (remote != null && !texts.isEmpty()) {
            cancellation.throwIfCancelled("embedding chunk 0");
            remoteVectors = remote.embed(modelName, embedder.dimension(), texts)
                    .filter(v -> v.length == texts.size())
                    .orElse(null);
        }
        if (remoteVectors != null) {
            for (int k = 0; k < texts.size(); k++) {
                VectorRecord r = records.get(pending.get(k));
                records.set(pending.get(k), new VectorRecord(r.id(), remoteVectors[k], r.attributes()));
            }
        }
        for (int from = remoteVectors != null ? texts.size() : 0; from < texts.size(); from += EMBED_BATCH) {
            cancellation.throwIfCancelled("embedding chunk " + from);
            int to = Math.min(texts.size(), from + EMBED_BATCH);
            float[][] vectors = embedder.embed(texts.subList(from, to));
            for (int k = from; k < to; k++) {
                VectorRecord r = records.get(pending.get(k));
                records.set(pending.get(k), new VectorRecord(r.id(), vectors[k - from], r.attributes()));
            }
        }
        WriteResult w = namespaces.replaceDocuments(namespace, records, seen.keySet(), DocumentIndex::chunkId);
        if (modelName != null) {
            namespaces.writes().recordEmbeddingModel(namespace, modelName);
        }
        return new UpsertResult(documents.size(), records.size(), w.version());
    }

    /** Deletes documents (all their chunks); returns how many chunks were deleted. */
    public WriteResult delete(String namespace, List<String> documentIds) {
        return namespaces.replaceDocuments(namespace, List.of(), documentIds, DocumentIndex::chunkId);
    }

    /**
     * Embeds {@code text} with the model (null: the namespace's, else the default) and searches the namespace with
     * it.
     */
    public QueryResult query(
            String namespace, String text, String model, int topK, Filter filter, NamespaceService.AsOf asOf) {
        return query(namespace, text, model, topK, filter, asOf, null);
    }

    /** As {@link #query(String, String, String, int, Filter, NamespaceService.AsOf)}, at {@code consistency}. */
    public QueryResult query(
            String namespace,
            String text,
            String model,
            int topK,
            Filter filter,
            NamespaceService.AsOf asOf,
            Consistency consistency) {
        float[] vector = embedQuery(namespace, text, model);
        return namespaces.query(namespace, new NamespaceService.Query(vector, topK, filter, asOf, consistency));
    }

    /**
     * The vector a text query searches with: {@code text} embedded by the model asked for, else the namespace's,
     * else the default.
     *
     * @throws EmbeddingModelConflictException when {@code model} is not the namespace's recorded model
     */
    public float[] embedQuery(String namespace, String text, String model) {
        if (text == null || text.isBlank()) {
            throw new DocumentFormatException("text", "must be a non-empty string");
        }
        Embedder embedder = models.apply(modelFor(namespace, model));
        return embedder.embed(List.of(text))[0];
    }

    /**
     * The model to embed with: the one asked for, else the one the namespace records, else the default.
     *
     * @throws EmbeddingModelConflictException when the request names a model other than the recorded one
     */
    private String modelFor(String namespace, String asked) {
        String recorded = namespaces.reads().embeddingModel(namespace).orElse(null);
        if (asked != null && recorded != null && !asked.equals(recorded)) {
            throw new EmbeddingModelConflictException(namespace, recorded, asked);
        }
        return asked != null ? asked : recorded != null ? recorded : defaultModel;
    }

    private static Map<String, Object> attributes(Document d, int chunk, String text) {
        Map<String, Object> a = new LinkedHashMap<>(d.attributes());
        a.put(DOCUMENT_ID, d.id());
        a.put(CHUNK, chunk);
        if (text != null) {
            a.put(TEXT, text);
        }
        return a;
    }
}
