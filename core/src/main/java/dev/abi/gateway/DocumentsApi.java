package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.documents.Chunker;
import dev.abi.documents.Document;
import dev.abi.documents.DocumentIndex;
import dev.abi.gateway.auth.Role;
import dev.abi.namespace.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The documents routes: {@code POST /v1/namespaces/{ns}/documents} (text in, chunked and embedded by the server)
 * and, an extension of the contract, {@code POST /v1/namespaces/{ns}/documents/delete} with
 * {@code {"documentIds":[...]}}. Text queries go through {@link VectorApi}'s query route. An upsert embeds at most
 * {@link dev.abi.budget.ComputeBudget#maxDocumentTokens()} tokens and stops when the request is cancelled.
 */
final class DocumentsApi {

    private final DocumentIndex documents;
    private final Limits limits;

    DocumentsApi(DocumentIndex documents, Limits limits) {
        this.documents = documents;
        this.limits = limits;
    }

    void register(Router router) {
        router.add("POST", "/v1/namespaces/{ns}/documents", Role.WRITE, (r, p) -> upsert(VectorApi.namespace(p), r))
                .add(
                        "POST",
                        "/v1/namespaces/{ns}/documents/delete",
                        Role.WRITE,
                        (r, p) -> delete(VectorApi.namespace(p), r));
    }

    private HttpResponse upsert(String ns, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode list = JsonBodies.required(body, "documents", "documents");
        if (!list.isArray() || list.isEmpty()) {
            throw new ValidationException("documents", "must be a non-empty array of {\"id\",\"text\",\"attributes\"}");
        }
        if (list.size() > documents.limits().maxDocuments()) {
            throw new ValidationException(
                    "documents",
                    "holds " + list.size() + " documents; the limit is "
                            + documents.limits().maxDocuments());
        }
        List<Document> docs = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode d = list.get(i);
            String path = "documents[" + i + "]";
            if (!d.isObject()) {
                throw new ValidationException(path, "must be an object with id and text");
            }
            String id = JsonBodies.requiredId(d, "id", path + ".id", limits);
            JsonNode text = d.get("text");
            if (text == null || !text.isTextual() || text.textValue().isBlank()) {
                throw new ValidationException(path + ".text", "must be a non-empty string");
            }
            Map<String, Object> attributes = JsonBodies.attributes(d.get("attributes"), path + ".attributes");
            for (String key : attributes.keySet()) {
                if (key.startsWith("abi.")) {
                    throw new ValidationException(
                            path + ".attributes." + key, "names starting with 'abi.' are" + " reserved");
                }
            }
            docs.add(Document.text(id, text.textValue(), attributes));
        }
        String model = optionalString(body, "model");
        Chunker.Options chunking = chunking(body.get("chunking"));
        // a DocumentFormatException (e.g. a duplicate id) is a 400 naming its field, in ProblemMapper
        DocumentIndex.UpsertResult result = documents.upsert(
                ns, docs, model, chunking, limits.compute().maxDocumentTokens(), request.cancellation());
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("documents", result.documents());
            g.writeNumberField("chunks", result.chunks());
            g.writeNumberField("version", result.version());
            g.writeEndObject();
        });
    }

    private HttpResponse delete(String ns, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode ids = JsonBodies.required(body, "documentIds", "documentIds");
        if (!ids.isArray() || ids.isEmpty() || ids.size() > limits.maxBatch()) {
            throw new ValidationException("documentIds", "must be an array of 1 to " + limits.maxBatch() + " ids");
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isTextual()) {
                throw new ValidationException("documentIds[" + i + "]", "must be a string");
            }
            list.add(JsonBodies.checkId(ids.get(i).textValue(), "documentIds[" + i + "]", limits));
        }
        WriteResult result = documents.delete(ns, list);
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("deleted", result.count());
            g.writeNumberField("version", result.version());
            g.writeEndObject();
        });
    }

    static String optionalString(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.textValue().isEmpty()) {
            throw new ValidationException(field, "must be a non-empty string");
        }
        return n.textValue();
    }

    private Chunker.Options chunking(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new ValidationException("chunking", "must be an object {\"windowTokens\",\"overlapTokens\"}");
        }
        Chunker.Options d = documents.defaultChunking();
        int window = JsonBodies.intInRange(n, "windowTokens", "chunking.windowTokens", d.windowTokens(), 8, 8192);
        int overlap = JsonBodies.intInRange(
                n,
                "overlapTokens",
                "chunking.overlapTokens",
                Math.min(d.overlapTokens(), window / 2 - 1),
                0,
                window / 2 - 1);
        return new Chunker.Options(window, overlap);
    }
}
