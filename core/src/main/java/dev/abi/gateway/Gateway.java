package dev.abi.gateway;

import dev.abi.documents.DocumentIndex;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NotImplementedYetException;
import dev.abi.inference.ModelRegistry;
import dev.abi.store.MetadataStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one request path of every deployment: the local server, Lambda, Cloud Functions and Azure Functions all decode
 * their trigger into an {@link HttpRequest} and call {@link #handle}. It enforces the body limit, routes, and turns
 * every failure into a problem response in {@link ProblemMapper}; it never throws.
 */
public final class Gateway {

    private final Router router = new Router();
    private final Limits limits;
    private final List<HealthCheck> healthChecks;
    private final IdempotentRequests idempotency;
    private final ModelRegistry models;
    private final DocumentIndex documents;

    public Gateway(NamespaceService namespaces, Limits limits, List<HealthCheck> healthChecks) {
        this(namespaces, limits, healthChecks, null);
    }

    /**
     * @param idempotency where responses to requests with an {@code Idempotency-Key} header are recorded; null to
     *     ignore the header
     */
    public Gateway(NamespaceService namespaces, Limits limits, List<HealthCheck> healthChecks,
                   MetadataStore idempotency) {
        this(namespaces, limits, healthChecks, idempotency, null);
    }

    /**
     * @param models the models the OpenAI-compatible routes serve; null leaves those routes answering 501
     */
    public Gateway(NamespaceService namespaces, Limits limits, List<HealthCheck> healthChecks,
                   MetadataStore idempotency, ModelRegistry models) {
        this(namespaces, limits, healthChecks, idempotency, models, null);
    }

    /**
     * @param documents the documents routes and text queries; null leaves them answering 501
     */
    public Gateway(NamespaceService namespaces, Limits limits, List<HealthCheck> healthChecks,
                   MetadataStore idempotency, ModelRegistry models, DocumentIndex documents) {
        this.models = models;
        this.documents = documents;
        this.idempotency = idempotency == null ? null : new IdempotentRequests(idempotency);
        this.limits = limits;
        this.healthChecks = List.copyOf(healthChecks);
        new VectorApi(namespaces, limits, documents).register(router);
        new HistoryApi(namespaces).register(router);
        if (models != null) {
            new InferenceApi(models).register(router);
            new EmbeddingsApi(models).register(router);
        }
        if (documents != null) {
            new DocumentsApi(documents, limits).register(router);
        }
        router.add("GET", "/health", (r, p) -> health());
        registerNotYetBuilt();
    }

    public Limits limits() {
        return limits;
    }

    public HttpResponse handle(HttpRequest request) {
        try {
            if (request.body().length > limits.maxBodyBytes()) {
                throw new PayloadTooLargeException(request.body().length, limits.maxBodyBytes());
            }
            Router.Match match = router.route(request.method(), request.path());
            if (idempotency != null && idempotency.applies(request)) {
                return idempotency.handle(request, () -> match.handler().handle(request, match.params()));
            }
            return match.handler().handle(request, match.params());
        } catch (RuntimeException | StackOverflowError e) {
            return ProblemMapper.toResponse(e);
        }
    }

    private HttpResponse health() {
        Map<String, String> checks = new LinkedHashMap<>();
        boolean up = true;
        for (HealthCheck c : healthChecks) {
            try {
                checks.put(c.name(), c.check());
            } catch (RuntimeException e) {
                checks.put(c.name(), "down: " + e.getMessage());
                up = false;
            }
        }
        boolean healthy = up;
        return VectorApi.json(healthy ? 200 : 503, g -> {
            g.writeStartObject();
            g.writeStringField("status", healthy ? "up" : "down");
            g.writeObjectFieldStart("checks");
            for (Map.Entry<String, String> e : checks.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * Routes of the contract whose features are not built yet answer 501 with what is missing, rather than a 404
     * that would suggest a wrong path.
     */
    private void registerNotYetBuilt() {
        if (documents == null) {
            notYet("POST", "/v1/namespaces/{ns}/documents", "an embedding model for documents");
            notYet("POST", "/v1/namespaces/{ns}/documents/delete", "an embedding model for documents");
        }
        if (models == null) {
            notYet("POST", "/v1/embeddings", "inference (GGUF models)");
            notYet("GET", "/v1/models", "inference (GGUF models)");
            notYet("POST", "/v1/completions", "inference (GGUF models)");
            notYet("POST", "/v1/chat/completions", "inference (GGUF models)");
        }
    }

    private void notYet(String method, String pattern, String feature) {
        router.add(method, pattern, (r, p) -> {
            throw new NotImplementedYetException(method + " " + pattern + " needs " + feature
                    + ", which this deployment does not have configured");
        });
    }
}
