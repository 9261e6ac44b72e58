package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.gateway.auth.Role;
import dev.abi.namespace.AttributePatch;
import dev.abi.namespace.Fetched;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.PatchResult;
import dev.abi.namespace.ScanPage;
import dev.abi.vector.StoredVector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data-plane calls of API v1.1 that page or batch: the namespace listing ({@code prefix}, {@code cursor},
 * {@code limit}), the vector scan (the export path), batch get, attribute patch, and compaction on demand.
 */
final class DataPlaneApi {

    /** Largest page of a listing or scan. */
    static final int MAX_PAGE = 1000;
    /** Page size when {@code limit} is absent. */
    static final int DEFAULT_PAGE = 100;

    private final NamespaceService namespaces;
    private final Limits limits;

    DataPlaneApi(NamespaceService namespaces, Limits limits) {
        this.namespaces = namespaces;
        this.limits = limits;
    }

    void register(Router router) {
        router.add("GET", "/v1/namespaces", Role.READ, (r, p) -> listNamespaces(r))
                .add("GET", "/v1/namespaces/{ns}/vectors", Role.READ, (r, p) -> scan(VectorApi.namespace(p), r))
                .add("POST", "/v1/namespaces/{ns}/vectors/get", Role.READ, (r, p) -> get(VectorApi.namespace(p), r))
                .add("PATCH", "/v1/namespaces/{ns}/vectors", Role.WRITE, (r, p) -> patch(VectorApi.namespace(p), r))
                .add("POST", "/v1/namespaces/{ns}/compact", Role.ADMIN, (r, p) -> compact(VectorApi.namespace(p), r));
    }

    private HttpResponse listNamespaces(HttpRequest request) {
        String prefix = QueryParams.string(request, "prefix");
        if (prefix != null && !Limits.NAMESPACE_NAME.matcher(prefix).matches()) {
            throw new ValidationException("prefix", "must be the start of a namespace name, [A-Za-z0-9_-]{1,64}");
        }
        int limit = (int) QueryParams.longIn(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        String after = Cursors.afterName(QueryParams.string(request, "cursor"));
        List<String> names = namespaces.reads().listNames(prefix == null ? "" : prefix, after, limit);
        boolean more = names.size() > limit;
        List<String> page = more ? names.subList(0, limit) : names;
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("namespaces");
            for (String name : page) {
                g.writeStartObject();
                g.writeStringField("name", name);
                g.writeEndObject();
            }
            g.writeEndArray();
            if (more) {
                g.writeStringField("nextCursor", Cursors.names(page.get(page.size() - 1)));
            }
            g.writeEndObject();
        });
    }

    private HttpResponse scan(String name, HttpRequest request) {
        int limit = (int) QueryParams.longIn(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        boolean values = QueryParams.bool(request, "includeValues", false);
        boolean attributes = QueryParams.bool(request, "includeAttributes", false);
        Long asOf = QueryParams.optionalVersion(request, "asOfVersion");
        Cursors.ScanCursor cursor = Cursors.scan(QueryParams.string(request, "cursor"));
        if (cursor != null && asOf != null && cursor.version() != asOf) {
            throw new ValidationException(
                    "asOfVersion",
                    "is " + asOf + " but the cursor continues a scan of version " + cursor.version()
                            + "; omit asOfVersion when passing a cursor");
        }
        Long version = cursor != null ? Long.valueOf(cursor.version()) : asOf;
        ScanPage page = namespaces.reads().scan(name, version, cursor == null ? null : cursor.after(), limit);
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("vectors");
            for (StoredVector v : page.vectors()) {
                VectorApi.writeVector(g, v, values, attributes);
            }
            g.writeEndArray();
            if (page.more()) {
                g.writeStringField(
                        "nextCursor",
                        Cursors.scan(
                                page.version(),
                                page.vectors().get(page.vectors().size() - 1).id()));
            }
            g.writeNumberField("version", page.version());
            g.writeEndObject();
        });
    }

    private HttpResponse get(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        List<String> ids = VectorApi.ids(body, "ids", limits);
        boolean values = JsonBodies.bool(body, "includeValues", "includeValues", true);
        boolean attributes = JsonBodies.bool(body, "includeAttributes", "includeAttributes", true);
        Fetched fetched = namespaces.reads().getMany(name, ids, HistoryApi.asOf(body.get("asOf")));
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("vectors");
            for (StoredVector v : fetched.found()) {
                VectorApi.writeVector(g, v, values, attributes);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("missing");
            for (String id : fetched.missing()) {
                g.writeString(id);
            }
            g.writeEndArray();
            g.writeNumberField("version", fetched.version());
            g.writeEndObject();
        });
    }

    private HttpResponse patch(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode vectors = JsonBodies.required(body, "vectors", "vectors");
        if (!vectors.isArray() || vectors.isEmpty() || vectors.size() > limits.maxBatch()) {
            throw new ValidationException(
                    "vectors", "must be an array of 1 to " + limits.maxBatch() + " {\"id\",\"attributes\"} objects");
        }
        List<AttributePatch> patches = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            String path = "vectors[" + i + "]";
            JsonNode v = vectors.get(i);
            if (!v.isObject()) {
                throw new ValidationException(path, "must be an object with id and attributes");
            }
            if (v.has("values")) {
                throw new ValidationException(
                        path + ".values", "cannot be patched; upsert the vector to change" + " its values");
            }
            String id = JsonBodies.requiredId(v, "id", path + ".id", limits);
            patches.add(new AttributePatch(
                    id, changes(JsonBodies.required(v, "attributes", path + ".attributes"), path + ".attributes")));
        }
        PatchResult result = namespaces.writes().patch(name, patches);
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("patched", result.patched());
            g.writeArrayFieldStart("missing");
            for (String id : result.missing()) {
                g.writeString(id);
            }
            g.writeEndArray();
            g.writeNumberField("version", result.version());
            g.writeEndObject();
        });
    }

    /** Attribute changes: values as {@link JsonBodies#attributes} takes them, and {@code null} to remove one. */
    private static Map<String, Object> changes(JsonNode n, String path) {
        if (!n.isObject() || n.isEmpty()) {
            throw new ValidationException(path, "must be a non-empty object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, JsonNode> kept = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (e.getKey().startsWith("abi.")) {
                throw new ValidationException(path + "." + e.getKey(), "names starting with 'abi.' are reserved");
            }
            if (e.getValue().isNull()) {
                out.put(e.getKey(), null);
            } else {
                kept.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Object> set = JsonBodies.attributes(JsonBodies.MAPPER.valueToTree(kept), path);
        out.putAll(set);
        return out;
    }

    private HttpResponse compact(String name, HttpRequest request) {
        String outcome = namespaces.compact(name);
        long version = namespaces.indexedThrough(name);
        Audit.log(request, "namespace.compact", name, "outcome=" + outcome + " version=" + version);
        return VectorApi.json(202, g -> {
            g.writeStartObject();
            g.writeNumberField("version", version);
            g.writeStringField("outcome", outcome);
            g.writeEndObject();
        });
    }
}
