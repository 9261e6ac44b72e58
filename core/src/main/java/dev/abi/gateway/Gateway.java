package dev.abi.gateway;

import dev.abi.gateway.auth.ForbiddenException;
import dev.abi.gateway.auth.Principal;
import dev.abi.gateway.auth.Role;
import dev.abi.gateway.ratelimit.RateLimitedException;
import dev.abi.gateway.ratelimit.RateLimiter;

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
    private final GatewaySecurity security;

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
        this(namespaces, limits, healthChecks, idempotency, models, documents, GatewaySecurity.none());
    }

    /**
     * @param security authentication, rate limits, security headers and CORS
     */
    public Gateway(NamespaceService namespaces, Limits limits, List<HealthCheck> healthChecks,
                   MetadataStore idempotency, ModelRegistry models, DocumentIndex documents,
                   GatewaySecurity security) {
        this.security = security;
        this.models = models;
        this.documents = documents;
        this.idempotency = idempotency == null ? null : new IdempotentRequests(idempotency);
        this.limits = limits;
        this.healthChecks = List.copyOf(healthChecks);
        new VectorApi(namespaces, limits, documents).register(router);
        new HistoryApi(namespaces).register(router);
        if (models != null) {
            new InferenceApi(models, limits.compute()).register(router);
            new EmbeddingsApi(models, limits.compute()).register(router);
        }
        if (documents != null) {
            new DocumentsApi(documents, limits).register(router);
        }
        if (security.authenticator().keys() != null) {
            new AdminApi(security.authenticator().keys()).register(router);
        }
        router.add("GET", "/health", null, (r, p) -> health());
        registerNotYetBuilt();
    }

    /** Largest total size of the request's header names and values. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

    public Limits limits() {
        return limits;
    }

    /** Every route with the role it needs (the auth matrix of the security docs is generated from this). */
    public List<Router.RouteInfo> routes() {
        return router.routes();
    }

    public HttpResponse handle(HttpRequest request) {
        Map<String, String> extra = new LinkedHashMap<>();
        HttpResponse response;
        try {
            response = route(request, extra);
        } catch (RuntimeException | StackOverflowError e) {
            if (e instanceof RateLimitedException limited) {
                extra.putAll(limited.decision().headers());
            }
            response = openAiRoute(request.path()) ? OpenAiErrors.toResponse(e) : ProblemMapper.toResponse(e);
        } finally {
            Audit.PRINCIPAL.remove();
        }
        extra.putAll(security.securityHeaders());
        cors(request, extra);
        return withHeaders(response, extra);
    }

    private HttpResponse route(HttpRequest request, Map<String, String> extra) {
        long headerBytes = 0;
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new HeadersTooLargeException(headerBytes, MAX_HEADER_BYTES);
        }
        if (request.method().equals("OPTIONS") && request.header("access-control-request-method") != null
                && !security.corsOrigins().isEmpty()) {
            return new HttpResponse(204, Map.of(), new byte[0]); // CORS preflight; the headers are added below
        }
        if (request.body().length > limits.maxBodyBytes()) {
            throw new PayloadTooLargeException(request.body().length, limits.maxBodyBytes());
        }
        Router.Match match = router.route(request.method(), request.path());
        if (match.role() != null) {
            Principal principal = security.authenticator().authenticate(request);
            Audit.PRINCIPAL.set(principal.id());
            String ns = match.params().get("ns");
            if (!principal.allows(match.role(), ns)) {
                throw new ForbiddenException("'" + principal.id() + "' may not " + request.method() + " "
                        + request.path() + ": it needs the " + match.role().wireName() + " role on "
                        + (ns == null ? "all namespaces (*)" : "namespace '" + ns + "'"));
            }
            RateLimiter limiter = security.rateLimiter();
            if (limiter != null && limiter.active()) {
                RateLimiter.Decision d = limiter.check(principal.id(), match.pattern());
                if (d != null) {
                    if (!d.allowed()) {
                        throw new RateLimitedException(d);
                    }
                    extra.putAll(d.headers());
                }
            }
        }
        if (idempotency != null && idempotency.applies(request)) {
            return idempotency.handle(request, () -> match.handler().handle(request, match.params()));
        }
        return match.handler().handle(request, match.params());
    }

    private void cors(HttpRequest request, Map<String, String> extra) {
        String origin = request.header("origin");
        if (origin == null || security.corsOrigins().isEmpty()) {
            return;
        }
        if (security.corsOrigins().contains("*") || security.corsOrigins().contains(origin)) {
            extra.put("Access-Control-Allow-Origin", security.corsOrigins().contains("*") ? "*" : origin);
            extra.put("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
            extra.put("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key");
            extra.put("Access-Control-Expose-Headers",
                    "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, Idempotent-Replayed");
            extra.put("Access-Control-Max-Age", "600");
            if (!security.corsOrigins().contains("*")) {
                extra.put("Vary", "Origin");
            }
        }
    }

    private static boolean openAiRoute(String path) {
        return path.startsWith("/v1/models") || path.startsWith("/v1/completions") || path.startsWith("/v1/chat/")
                || path.startsWith("/v1/embeddings");
    }

    private static HttpResponse withHeaders(HttpResponse r, Map<String, String> extra) {
        if (extra.isEmpty()) {
            return r;
        }
        Map<String, String> h = new LinkedHashMap<>(extra);
        h.putAll(r.headers());
        return new HttpResponse(r.status(), h, r.body(), r.stream());
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
        router.add(method, pattern, null, (r, p) -> {
            throw new NotImplementedYetException(method + " " + pattern + " needs " + feature
                    + ", which this deployment does not have configured");
        });
    }
}
