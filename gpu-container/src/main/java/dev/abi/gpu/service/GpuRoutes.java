package dev.abi.gpu.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.gpu.cuda.GpuStatus;
import dev.abi.gpu.cuda.GpuUnavailableException;
import dev.abi.namespace.NamespaceNotFoundException;
import dev.abi.vector.VectorOpsProvider;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The HTTP side of the GPU service: {@code /health}, exact {@code POST /v1/namespaces/{ns}/query} (one
 * {@code vector} or {@code queries}) and {@code POST /v1/embeddings}, shaped as in {@code API.md}. Failures map to
 * RFC 9457 problem bodies here and only here; without a GPU the GPU routes answer 503.
 */
@ApplicationScoped
public class GpuRoutes {

    private static final Logger LOG = Logger.getLogger(GpuRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int MAX_TOP_K = 1000;
    static final int MAX_QUERIES = 100;
    static final int MAX_INPUTS = 256;

    /** A request the GPU service does not serve, or serves only in another shape: 400. */
    static final class BadRequest extends RuntimeException {
        final String field;

        BadRequest(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    @Inject
    GpuService gpu;

    void register(@Observes Router router) {
        router.get("/health").handler(this::health);
        router.post("/v1/namespaces/:ns/query")
                .handler(BodyHandler.create().setBodyLimit(6 * 1024 * 1024))
                .blockingHandler(ctx -> guarded(ctx, () -> query(ctx)), false);
        router.post("/v1/embeddings")
                .handler(BodyHandler.create().setBodyLimit(6 * 1024 * 1024))
                .blockingHandler(ctx -> guarded(ctx, () -> embeddings(ctx)), false);
    }

    private void health(RoutingContext ctx) {
        GpuStatus s = gpu.status();
        boolean driverVisible = Files.exists(Path.of("/proc/driver/nvidia/version"));
        String body = "{\"status\":\"up\"," + s.jsonMembers() + ",\"checks\":{\"nvidiaDriverVisible\":" + driverVisible
                + ",\"cpuKernels\":\"" + VectorOpsProvider.get().name() + "\"}}";
        ctx.response().putHeader("Content-Type", "application/json").end(body);
    }

    private void guarded(RoutingContext ctx, Runnable handler) {
        try {
            handler.run();
        } catch (GpuUnavailableException e) {
            problem(ctx, 503, "gpu-unavailable", "GPU unavailable", e.getMessage(), null);
        } catch (BadRequest e) {
            problem(ctx, 400, "validation", "Invalid request", e.getMessage(), e.field);
        } catch (NamespaceNotFoundException e) {
            problem(ctx, 404, "not-found", "Not found", e.getMessage(), null);
        } catch (RuntimeException e) {
            LOG.error("GPU request failed", e);
            problem(ctx, 500, "internal", "Internal error", e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    private static void problem(
            RoutingContext ctx, int status, String type, String title, String detail, String field) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "https://abi.dev/problems/" + type);
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        if (field != null) {
            p.putArray("errors").addObject().put("field", field).put("message", detail);
        }
        var response = ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json");
        if (status == 503) {
            response.putHeader("Retry-After", "30");
        }
        response.end(p.toString());
    }

    private void query(RoutingContext ctx) {
        gpu.requireGpu();
        String ns = ctx.pathParam("ns");
        if (!NAMESPACE.matcher(ns).matches()) {
            throw new BadRequest("namespace", "namespace '" + ns + "' does not match [A-Za-z0-9_-]{1,64}");
        }
        JsonNode body = parse(ctx);
        for (String unsupported : List.of("filter", "asOf", "text", "id")) {
            if (body.has(unsupported)) {
                throw new BadRequest(
                        unsupported,
                        "'" + unsupported + "' is not served by the GPU service (exact,"
                                + " unfiltered vector queries at the current version only)");
            }
        }
        int dim = gpu.dimension(ns);
        boolean batch = body.has("queries");
        List<float[]> vectors = new ArrayList<>();
        List<Integer> topKs = new ArrayList<>();
        if (batch) {
            if (body.has("vector")) {
                throw new BadRequest("queries", "give 'vector' or 'queries', not both");
            }
            JsonNode qs = body.get("queries");
            if (!qs.isArray() || qs.isEmpty() || qs.size() > MAX_QUERIES) {
                throw new BadRequest("queries", "'queries' must be an array of 1 to " + MAX_QUERIES + " queries");
            }
            for (int i = 0; i < qs.size(); i++) {
                JsonNode q = qs.get(i);
                for (String unsupported : List.of("filter", "asOf", "text", "id")) {
                    if (q.has(unsupported)) {
                        throw new BadRequest(
                                "queries[" + i + "]." + unsupported,
                                "'" + unsupported + "' is not served by the GPU service");
                    }
                }
                vectors.add(vector(q.get("vector"), "queries[" + i + "].vector", dim));
                topKs.add(topK(q, "queries[" + i + "].topK"));
            }
        } else {
            vectors.add(vector(body.get("vector"), "vector", dim));
            topKs.add(topK(body, "topK"));
        }
        int k = topKs.stream().mapToInt(Integer::intValue).max().orElse(10);
        GpuService.QueryAnswer answer = gpu.query(new GpuService.QueryJob(ns, vectors.toArray(float[][]::new), k));
        ObjectNode out = JSON.createObjectNode();
        if (batch) {
            ArrayNode results = out.putArray("results");
            for (int i = 0; i < vectors.size(); i++) {
                matches(
                        results.addObject().putArray("matches"),
                        answer.results().get(i),
                        topKs.get(i));
            }
        } else {
            matches(out.putArray("matches"), answer.results().get(0), topKs.get(0));
        }
        out.put("version", answer.version());
        ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
    }

    private static void matches(ArrayNode into, List<GpuService.Hit> hits, int topK) {
        for (int i = 0; i < Math.min(topK, hits.size()); i++) {
            into.addObject()
                    .put("id", hits.get(i).id())
                    .put("distance", hits.get(i).distance());
        }
    }

    private void embeddings(RoutingContext ctx) {
        gpu.requireGpu();
        JsonNode body = parse(ctx);
        JsonNode model = body.get("model");
        String served = gpu.modelName(); // null without an encoder: gpu.embed answers 503 below
        if (served != null
                && model != null
                && !model.isNull()
                && !(model.isTextual() && model.asText().equals(served))) {
            // a caller falling back to its CPU must get vectors of one model: never another model's in silence
            throw new BadRequest("model", "this service runs model '" + served + "', not " + model);
        }
        JsonNode input = body.get("input");
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw new BadRequest("input[" + i + "]", "input[" + i + "] must be a string");
                }
                texts.add(input.get(i).asText());
            }
        } else {
            throw new BadRequest("input", "'input' must be a string or an array of 1 to " + MAX_INPUTS + " strings");
        }
        float[][] vectors = gpu.embed(texts);
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        int tokens = 0;
        for (int i = 0; i < vectors.length; i++) {
            ObjectNode d = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode e = d.putArray("embedding");
            for (float f : vectors[i]) {
                e.add(f);
            }
            tokens += gpu.countTokens(texts.get(i));
        }
        out.put("model", gpu.modelName());
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
    }

    private static JsonNode parse(RoutingContext ctx) {
        try {
            JsonNode n = JSON.readTree(ctx.body().asString());
            if (n == null || !n.isObject()) {
                throw new BadRequest("body", "the body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("body", "malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static float[] vector(JsonNode v, String field, int dim) {
        if (v == null || !v.isArray()) {
            throw new BadRequest(field, "'" + field + "' must be an array of numbers");
        }
        if (v.size() != dim) {
            throw new BadRequest(field, "expected " + dim + " dimensions, got " + v.size());
        }
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            JsonNode x = v.get(i);
            if (!x.isNumber() || !Float.isFinite(x.floatValue())) {
                throw new BadRequest(field + "[" + i + "]", "must be a finite number");
            }
            out[i] = x.floatValue();
        }
        return out;
    }

    private static int topK(JsonNode q, String field) {
        JsonNode t = q.get("topK");
        if (t == null) {
            return 10;
        }
        if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 1 || t.asInt() > MAX_TOP_K) {
            throw new BadRequest(field, "topK must be an integer from 1 to " + MAX_TOP_K);
        }
        return t.asInt();
    }
}
