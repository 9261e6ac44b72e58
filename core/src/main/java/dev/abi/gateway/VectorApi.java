package dev.abi.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.documents.DocumentIndex;
import dev.abi.gateway.auth.Role;
import dev.abi.namespace.Consistency;
import dev.abi.namespace.NamespaceInfo;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NotImplementedYetException;
import dev.abi.namespace.Probe;
import dev.abi.namespace.QueryBatchResult;
import dev.abi.namespace.QueryResult;
import dev.abi.namespace.VectorRecord;
import dev.abi.namespace.WriteResult;
import dev.abi.telemetry.Metrics;
import dev.abi.telemetry.QueryObservation;
import dev.abi.telemetry.Telemetry;
import dev.abi.vector.Filter;
import dev.abi.vector.FilterParser;
import dev.abi.vector.Metric;
import dev.abi.vector.StoredVector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The namespace and vector routes of the API: decode and validate JSON, call {@link NamespaceService}, encode. */
final class VectorApi {

    private final NamespaceService namespaces;
    private final GpuRouting gpu;
    private final Limits limits;
    private final DocumentIndex documents;
    private final Metrics metrics;

    /** @param documents text queries go here; null answers them 501 */
    VectorApi(NamespaceService namespaces, Limits limits, DocumentIndex documents) {
        this(namespaces, limits, documents, null, Metrics.NOOP);
    }

    /**
     * @param gpu     where large exact queries go first, or null to answer every query on the CPU
     * @param metrics where query latency ({@code abi.query}) and commits ({@code abi.commits}) are reported
     */
    VectorApi(NamespaceService namespaces, Limits limits, DocumentIndex documents, GpuRouting gpu, Metrics metrics) {
        this.gpu = gpu;
        this.metrics = metrics;
        this.namespaces = namespaces;
        this.limits = limits;
        this.documents = documents;
    }

    void register(Router router) {
        new DataPlaneApi(namespaces, limits).register(router);
        router.add("PUT", "/v1/namespaces/{ns}", Role.WRITE, (r, p) -> createNamespace(ns(p), r))
                .add(
                        "GET",
                        "/v1/namespaces/{ns}",
                        Role.READ,
                        (r, p) -> json(200, g -> writeInfo(g, namespaces.describe(ns(p)))))
                .add("DELETE", "/v1/namespaces/{ns}", Role.ADMIN, (r, p) -> {
                    namespaces.delete(ns(p));
                    return HttpResponse.noContent();
                })
                .add("POST", "/v1/namespaces/{ns}/vectors", Role.WRITE, (r, p) -> upsert(ns(p), r))
                .add("GET", "/v1/namespaces/{ns}/vectors/{id}", Role.READ, (r, p) -> getVector(ns(p), p.get("id")))
                .add("POST", "/v1/namespaces/{ns}/vectors/delete", Role.WRITE, (r, p) -> deleteVectors(ns(p), r))
                .add("POST", "/v1/namespaces/{ns}/query", Role.READ, (r, p) -> query(ns(p), r));
    }

    private String ns(Map<String, String> params) {
        return namespace(params);
    }

    /** The validated {@code {ns}} path parameter. */
    static String namespace(Map<String, String> params) {
        String name = params.get("ns");
        if (!Limits.NAMESPACE_NAME.matcher(name).matches()) {
            throw new ValidationException(
                    "namespace", "must match [A-Za-z0-9_-]{1,64}, got '" + abbreviate(name) + "'");
        }
        return name;
    }

    private HttpResponse createNamespace(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        int dimension = JsonBodies.intInRange(body, "dimension", "dimension", -1, 1, limits.maxDimension());
        if (dimension < 0) {
            throw new ValidationException("dimension", "is required");
        }
        Metric metric = Metric.COSINE;
        JsonNode m = body.get("metric");
        if (m != null && !m.isNull()) {
            try {
                metric = Metric.fromWireName(m.isTextual() ? m.textValue() : m.toString());
            } catch (IllegalArgumentException e) {
                throw new ValidationException("metric", e.getMessage());
            }
        }
        String model = DocumentsApi.optionalString(body, "embeddingModel");
        NamespaceService.Created created = namespaces.writes().create(name, dimension, metric, model);
        return json(created.created() ? 201 : 200, g -> writeInfo(g, created.info()));
    }

    private HttpResponse upsert(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode vectors = JsonBodies.required(body, "vectors", "vectors");
        if (!vectors.isArray()) {
            throw new ValidationException("vectors", "must be an array");
        }
        if (vectors.isEmpty()) {
            throw new ValidationException("vectors", "must hold at least one vector");
        }
        if (vectors.size() > limits.maxBatch()) {
            throw new ValidationException(
                    "vectors", "holds " + vectors.size() + " vectors; the limit is " + limits.maxBatch());
        }
        List<VectorRecord> records = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            String path = "vectors[" + i + "]";
            JsonNode v = vectors.get(i);
            if (!v.isObject()) {
                throw new ValidationException(path, "must be an object with id and values");
            }
            String id = JsonBodies.requiredId(v, "id", path + ".id", limits);
            float[] values = JsonBodies.vector(v.get("values"), path + ".values", limits);
            Map<String, Object> attributes = JsonBodies.attributes(v.get("attributes"), path + ".attributes");
            records.add(new VectorRecord(id, values, attributes));
        }
        WriteResult result =
                Telemetry.tracing().inSpan("commit", () -> namespaces.upsert(name, records), "abi.op", "upsert");
        metrics.count("abi.commits", "op", "upsert");
        return json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("upserted", result.count());
            g.writeNumberField("version", result.version());
            g.writeEndObject();
        });
    }

    private HttpResponse getVector(String name, String id) {
        JsonBodies.checkId(id, "id", limits);
        StoredVector v = namespaces.get(name, id);
        return json(200, g -> writeVector(g, v, true, true));
    }

    private HttpResponse deleteVectors(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        boolean byFilter = body.hasNonNull("filter");
        if (byFilter == body.hasNonNull("ids")) {
            throw new ValidationException(byFilter ? "filter" : "ids", "give exactly one of \"ids\" and \"filter\"");
        }
        WriteResult result;
        if (byFilter) {
            if (!body.get("filter").isObject() || body.get("filter").isEmpty()) {
                throw new ValidationException(
                        "filter",
                        "must be a non-empty filter object; to delete every vector," + " delete the namespace");
            }
            result = namespaces.writes().deleteMatching(name, FilterParser.parse(JsonBodies.plain(body.get("filter"))));
        } else {
            List<String> ids = ids(body, "ids", limits);
            result =
                    Telemetry.tracing().inSpan("commit", () -> namespaces.deleteVectors(name, ids), "abi.op", "delete");
        }
        metrics.count("abi.commits", "op", "delete");
        return json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("deleted", result.count());
            g.writeNumberField("version", result.version());
            g.writeEndObject();
        });
    }

    /** A required array of 1 to {@link Limits#maxBatch()} ids, each checked. */
    static List<String> ids(JsonNode body, String field, Limits limits) {
        JsonNode ids = JsonBodies.required(body, field, field);
        if (!ids.isArray() || ids.isEmpty()) {
            throw new ValidationException(field, "must be a non-empty array of ids");
        }
        if (ids.size() > limits.maxBatch()) {
            throw new ValidationException(field, "holds " + ids.size() + " ids; the limit is " + limits.maxBatch());
        }
        List<String> list = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isTextual()) {
                throw new ValidationException(field + "[" + i + "]", "must be a string");
            }
            list.add(JsonBodies.checkId(id.textValue(), field + "[" + i + "]", limits));
        }
        return list;
    }

    /** Answers a query and records its latency in {@code abi.query}, tagged with the device and path that answered. */
    private HttpResponse query(String name, HttpRequest request) {
        try (QueryObservation observed = QueryObservation.start(metrics)) {
            HttpResponse answer = answerQuery(name, request);
            observed.answered(answer.headers().getOrDefault(GpuRouting.DEVICE_HEADER, "cpu"));
            return answer;
        }
    }

    private HttpResponse answerQuery(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        Consistency consistency = QueryBodies.consistency(body);
        if (body.has("queries")) {
            return queryMany(name, request, body, consistency);
        }
        if (body.hasNonNull("id")) {
            return queryById(name, body, consistency);
        }
        boolean byText = body.hasNonNull("text");
        if (byText && body.hasNonNull("vector")) {
            throw new ValidationException("text", "give either \"text\" or \"vector\", not both");
        }
        if (byText && documents == null) {
            throw new NotImplementedYetException("text queries need an embedding model; none is configured on this"
                    + " deployment (see docs/embeddings.md)");
        }
        if (byText
                && (!body.get("text").isTextual()
                        || body.get("text").textValue().isBlank())) {
            throw new ValidationException("text", "must be a non-empty string");
        }
        float[] vector = byText ? null : JsonBodies.vector(body.get("vector"), "vector", limits);
        int topK = JsonBodies.intInRange(body, "topK", "topK", 10, 1, limits.maxTopK());
        boolean includeAttributes = JsonBodies.bool(body, "includeAttributes", "includeAttributes", false);
        boolean includeValues = JsonBodies.bool(body, "includeValues", "includeValues", false);
        JsonNode filterNode = body.get("filter");
        Filter filter = filterNode == null || filterNode.isNull()
                ? Filter.ALL
                : FilterParser.parse(JsonBodies.plain(filterNode));
        NamespaceService.AsOf asOf = HistoryApi.asOf(body.get("asOf"));
        if (gpu != null
                && !byText
                && asOf == null
                && filter == Filter.ALL
                && !includeAttributes
                && !includeValues
                && gpu.worthIt(rows(name), 1)
                && idsAndDistancesSuffice(name)) {
            Optional<HttpResponse> onGpu = gpu.query(name, request);
            if (onGpu.isPresent()) {
                return onGpu.get();
            }
        }
        QueryResult result = byText
                ? documents.query(
                        name,
                        body.get("text").textValue(),
                        DocumentsApi.optionalString(body, "model"),
                        topK,
                        filter,
                        asOf,
                        consistency)
                : namespaces.query(
                        name,
                        new NamespaceService.Query(vector, topK, filter, asOf, consistency),
                        body.get("vector").toString() + "|" + topK + "|" + filterNode);
        HttpResponse answer = json(200, g -> {
            g.writeStartObject();
            writeMatches(g, result.matches(), includeValues, includeAttributes);
            g.writeNumberField("version", result.version());
            g.writeEndObject();
        });
        return onCpu(answer);
    }

    /** The namespace's rows, from a warm instance's cached state when it has one: no second log read. */
    private long rows(String name) {
        return namespaces
                .reads()
                .cachedCount(name)
                .orElseGet(() -> namespaces.describe(name).count());
    }

    /** A CPU answer, marked as such when the GPU could have answered. */
    private HttpResponse onCpu(HttpResponse answer) {
        if (gpu == null) {
            return answer;
        }
        Map<String, String> headers = new LinkedHashMap<>(answer.headers());
        headers.put(GpuRouting.DEVICE_HEADER, "cpu");
        return new HttpResponse(answer.status(), headers, answer.body());
    }

    /** A query by the values of a stored vector ({@code "id"}): 404 when the state read holds no such id. */
    private HttpResponse queryById(String name, JsonNode body, Consistency consistency) {
        QueryBodies.Spec spec = QueryBodies.parse(body, "", limits);
        QueryBatchResult r = namespaces
                .reads()
                .queryAll(
                        name,
                        List.of(new Probe(null, spec.id(), spec.topK(), spec.filter())),
                        HistoryApi.asOf(body.get("asOf")),
                        consistency);
        return json(200, g -> {
            g.writeStartObject();
            writeMatches(g, r.results().get(0), spec.includeValues(), spec.includeAttributes());
            g.writeNumberField("version", r.version());
            g.writeEndObject();
        });
    }

    /**
     * {@code "queries":[...]}: every query answered from the one state {@code version}. A batch of exact vector
     * queries (no filter, id, text or {@code asOf}) whose rows times queries reach the GPU threshold goes to the GPU
     * service first, as one request.
     */
    private HttpResponse queryMany(String name, HttpRequest request, JsonNode body, Consistency consistency) {
        for (String single : List.of("vector", "text", "id")) {
            if (body.has(single)) {
                throw new ValidationException(single, "give either \"queries\" or one query, not both");
            }
        }
        JsonNode list = body.get("queries");
        if (!list.isArray() || list.isEmpty() || list.size() > QueryBodies.MAX_QUERIES) {
            throw new ValidationException(
                    "queries", "must be an array of 1 to " + QueryBodies.MAX_QUERIES + " query objects");
        }
        List<QueryBodies.Spec> specs = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String prefix = "queries[" + i + "].";
            JsonNode q = list.get(i);
            if (!q.isObject()) {
                throw new ValidationException("queries[" + i + "]", "must be a query object");
            }
            for (String once : List.of("asOf", "consistency")) {
                if (q.has(once)) {
                    throw new ValidationException(prefix + once, "is given once, beside \"queries\", for all of them");
                }
            }
            specs.add(QueryBodies.parse(q, prefix, limits));
        }
        NamespaceService.AsOf asOf = HistoryApi.asOf(body.get("asOf"));
        if (gpu != null
                && asOf == null
                && specs.stream().allMatch(VectorApi::exact)
                && gpu.worthIt(rows(name), specs.size())
                && idsAndDistancesSuffice(name)) {
            Optional<HttpResponse> onGpu = gpu.query(name, request);
            if (onGpu.isPresent()) {
                return onGpu.get();
            }
        }
        List<Probe> probes = new ArrayList<>(specs.size());
        for (QueryBodies.Spec spec : specs) {
            probes.add(new Probe(
                    spec.text() != null ? textVector(name, spec) : spec.vector(),
                    spec.id(),
                    spec.topK(),
                    spec.filter()));
        }
        QueryBatchResult r = namespaces.reads().queryAll(name, probes, asOf, consistency);
        return onCpu(json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (int i = 0; i < specs.size(); i++) {
                g.writeStartObject();
                writeMatches(
                        g,
                        r.results().get(i),
                        specs.get(i).includeValues(),
                        specs.get(i).includeAttributes());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("version", r.version());
            g.writeEndObject();
        }));
    }

    /**
     * A query the GPU service can answer whole: a plain vector, no filter, and nothing asked of a match beyond its id
     * and distance (the service answers only those).
     */
    private static boolean exact(QueryBodies.Spec spec) {
        return spec.vector() != null
                && spec.filter() == Filter.ALL
                && !spec.includeValues()
                && !spec.includeAttributes();
    }

    /**
     * Whether a match's id and distance are its whole answer: not on a namespace of document chunks, whose matches
     * also carry {@code documentId} and {@code text} (the GPU service answers ids and distances only). One small read
     * of the namespace's config, asked only of a query the GPU would otherwise take: an instance's cached config can
     * predate the documents upsert that records the model.
     */
    private boolean idsAndDistancesSuffice(String name) {
        return namespaces.reads().embeddingModel(name).isEmpty();
    }

    private float[] textVector(String name, QueryBodies.Spec spec) {
        if (documents == null) {
            throw new NotImplementedYetException("text queries need an embedding model; none is configured on this"
                    + " deployment (see docs/embeddings.md)");
        }
        return documents.embedQuery(name, spec.text(), spec.model());
    }

    private static void writeMatches(
            JsonGenerator g, List<QueryResult.Match> matches, boolean includeValues, boolean includeAttributes)
            throws IOException {
        g.writeArrayFieldStart("matches");
        for (QueryResult.Match m : matches) {
            g.writeStartObject();
            g.writeStringField("id", m.vector().id());
            g.writeNumberField("distance", m.distance());
            Object doc = m.vector().attributes().get(DocumentIndex.DOCUMENT_ID);
            if (doc != null) {
                g.writeStringField("documentId", doc.toString());
                Object text = m.vector().attributes().get(DocumentIndex.TEXT);
                if (text != null) {
                    g.writeStringField("text", text.toString());
                }
            }
            writeVectorFields(g, m.vector(), includeValues, includeAttributes);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeInfo(JsonGenerator g, NamespaceInfo info) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", info.name());
        g.writeNumberField("dimension", info.dimension());
        g.writeStringField("metric", info.metric().wireName());
        g.writeNumberField("count", info.count());
        g.writeNumberField("version", info.version());
        if (info.embeddingModel() != null) {
            g.writeStringField("embeddingModel", info.embeddingModel());
        }
        g.writeEndObject();
    }

    static void writeVector(JsonGenerator g, StoredVector v, boolean values, boolean attributes) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", v.id());
        writeVectorFields(g, v, values, attributes);
        g.writeEndObject();
    }

    private static void writeVectorFields(JsonGenerator g, StoredVector v, boolean values, boolean attributes)
            throws IOException {
        if (values) {
            g.writeArrayFieldStart("values");
            for (float f : v.values()) {
                g.writeNumber(f);
            }
            g.writeEndArray();
        }
        if (attributes) {
            g.writeFieldName("attributes");
            Map<String, Object> shown = v.attributes();
            if (shown.containsKey(DocumentIndex.DOCUMENT_ID)) {
                // a chunk's bookkeeping is shown as documentId and text, not among the user's attributes
                shown = new LinkedHashMap<>(shown);
                shown.keySet().removeIf(k -> k.startsWith("abi."));
            }
            JsonBodies.MAPPER.writeValue(g, shown);
        }
    }

    @FunctionalInterface
    interface BodyWriter {
        void write(JsonGenerator g) throws IOException;
    }

    static HttpResponse json(int status, BodyWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JsonBodies.MAPPER.getFactory().createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HttpResponse.json(status, out.toByteArray());
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
