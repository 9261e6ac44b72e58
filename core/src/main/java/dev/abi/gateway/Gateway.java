package dev.abi.gateway;

import dev.abi.documents.DocumentIndex;
import dev.abi.events.ObjectIndexer;
import dev.abi.gateway.auth.ForbiddenException;
import dev.abi.gateway.auth.Principal;
import dev.abi.gateway.ratelimit.RateLimitedException;
import dev.abi.gateway.ratelimit.RateLimiter;
import dev.abi.inference.ModelRegistry;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NotImplementedYetException;
import dev.abi.store.MetadataStore;
import dev.abi.telemetry.Metrics;
import dev.abi.telemetry.RequestContext;
import dev.abi.telemetry.RequestIds;
import dev.abi.telemetry.RequestSpans;
import dev.abi.telemetry.Telemetry;
import dev.abi.telemetry.Tracing;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one request path of every deployment: the local server, Lambda, Cloud Functions and Azure Functions all decode
 * their trigger into an {@link HttpRequest} and call {@link #handle}. It enforces the body limit, routes, and turns
 * every failure into a problem response in {@link ProblemMapper}; it never throws. Each request gets an id
 * ({@link RequestIds}), echoed in {@code X-Request-Id}, carried by problem bodies and log lines ({@link
 * RequestContext}), one line in the access log ({@code abi.access}) and one sample in {@code abi.http.requests}.
 */
public final class Gateway {

    private final Router router = new Router();
    private final Limits limits;
    private final List<HealthCheck> healthChecks;
    private final IdempotentRequests idempotency;
    private final ModelRegistry models;
    private final DocumentIndex documents;
    private final GatewaySecurity security;
    private final Metrics metrics;
    private final RequestContext.Binding logContext;
    private final boolean accessLog;

    public Gateway(NamespaceService namespaces, Limits limits, List<HealthCheck> healthChecks) {
        this(builder(namespaces).limits(limits).healthChecks(healthChecks));
    }

    /**
     * @param idempotency where responses to requests with an {@code Idempotency-Key} header are recorded; null to
     *     ignore the header
     */
    public Gateway(
            NamespaceService namespaces, Limits limits, List<HealthCheck> healthChecks, MetadataStore idempotency) {
        this(builder(namespaces).limits(limits).healthChecks(healthChecks).idempotency(idempotency));
    }

    /**
     * @param models the models the OpenAI-compatible routes serve; null leaves those routes answering 501
     */
    public Gateway(
            NamespaceService namespaces,
            Limits limits,
            List<HealthCheck> healthChecks,
            MetadataStore idempotency,
            ModelRegistry models) {
        this(builder(namespaces)
                .limits(limits)
                .healthChecks(healthChecks)
                .idempotency(idempotency)
                .models(models));
    }

    /**
     * @param documents the documents routes and text queries; null leaves them answering 501
     */
    public Gateway(
            NamespaceService namespaces,
            Limits limits,
            List<HealthCheck> healthChecks,
            MetadataStore idempotency,
            ModelRegistry models,
            DocumentIndex documents) {
        this(builder(namespaces)
                .limits(limits)
                .healthChecks(healthChecks)
                .idempotency(idempotency)
                .models(models)
                .documents(documents));
    }

    /**
     * @param security authentication, rate limits, security headers and CORS
     */
    public Gateway(
            NamespaceService namespaces,
            Limits limits,
            List<HealthCheck> healthChecks,
            MetadataStore idempotency,
            ModelRegistry models,
            DocumentIndex documents,
            GatewaySecurity security) {
        this(builder(namespaces)
                .limits(limits)
                .healthChecks(healthChecks)
                .idempotency(idempotency)
                .models(models)
                .documents(documents)
                .security(security));
    }

    private Gateway(Builder b) {
        this.security = b.security;
        this.metrics = b.metrics;
        this.logContext = b.logContext;
        this.accessLog = b.accessLog;
        this.models = b.models;
        this.documents = b.documents;
        this.idempotency = b.idempotency == null ? null : new IdempotentRequests(b.idempotency, b.clock);
        this.limits = b.limits;
        this.healthChecks = List.copyOf(b.healthChecks);
        new VectorApi(b.namespaces, limits, documents, b.gpu, metrics).register(router);
        new HistoryApi(b.namespaces).register(router);
        new MaintenanceApi(b.namespaces).register(router);
        new OpenApiDocument().register(router);
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
        if (b.objectIndexer != null) {
            new ObjectEventsApi(b.objectIndexer).register(router);
        }
        router.add("GET", "/health", null, (r, p) -> health());
        registerNotYetBuilt();
    }

    /** A gateway over {@code namespaces}; every other part is optional. */
    public static Builder builder(NamespaceService namespaces) {
        return new Builder(namespaces);
    }

    /** Assembles a {@link Gateway}; each option states its default. */
    public static final class Builder {
        private final NamespaceService namespaces;
        private Limits limits = Limits.defaults();
        private List<HealthCheck> healthChecks = List.of();
        private MetadataStore idempotency;
        private ModelRegistry models;
        private DocumentIndex documents;
        private GatewaySecurity security = GatewaySecurity.none();
        private ObjectIndexer objectIndexer;
        private Clock clock = Clock.systemUTC();
        private GpuRouting gpu;
        private Metrics metrics = Metrics.NOOP;
        private RequestContext.Binding logContext = RequestContext.Binding.NONE;
        private boolean accessLog = true;

        private Builder(NamespaceService namespaces) {
            this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        }

        /** Request limits; default {@link Limits#defaults()}. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** What {@code GET /health} reports; default none. */
        public Builder healthChecks(List<HealthCheck> healthChecks) {
            this.healthChecks = Objects.requireNonNull(healthChecks, "healthChecks");
            return this;
        }

        /** Where {@code Idempotency-Key} claims and replies are kept; default null: the header is ignored. */
        public Builder idempotency(MetadataStore idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        /** The models of the OpenAI-compatible routes; default null: those routes answer 501. */
        public Builder models(ModelRegistry models) {
            this.models = models;
            return this;
        }

        /** The documents routes and text queries; default null: they answer 501. */
        public Builder documents(DocumentIndex documents) {
            this.documents = documents;
            return this;
        }

        /** Authentication, rate limits, security headers and CORS; default {@link GatewaySecurity#none()}. */
        public Builder security(GatewaySecurity security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        /** Serves {@code POST /indexObject} and {@code /removeObject}; default null: they are not served. */
        public Builder objectIndexer(ObjectIndexer objectIndexer) {
            this.objectIndexer = objectIndexer;
            return this;
        }

        /** Where large exact queries go first (the GPU service); default null: every query runs on the CPU. */
        public Builder gpu(GpuRouting gpu) {
            this.gpu = gpu;
            return this;
        }

        /** The clock of idempotency records; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where requests, queries, commits and rate-limit rejections are counted; default {@link Metrics#NOOP}. */
        public Builder metrics(Metrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Where else each request's id is put while it runs (a logging MDC, say); default nowhere but {@link
         * RequestContext}.
         */
        public Builder logContext(RequestContext.Binding logContext) {
            this.logContext = Objects.requireNonNull(logContext, "logContext");
            return this;
        }

        /** Whether each request writes a line to the {@code abi.access} logger; default true. */
        public Builder accessLog(boolean accessLog) {
            this.accessLog = accessLog;
            return this;
        }

        public Gateway build() {
            return new Gateway(this);
        }
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

    /** Serves a request whose platform gives it no id of its own. */
    public HttpResponse handle(HttpRequest request) {
        return handle(request, null);
    }

    /**
     * Serves a request.
     *
     * @param platformRequestId the platform's id of this request (API Gateway's {@code requestContext.requestId}),
     *     used when the client sent no sane {@code X-Request-Id}; null when there is none
     */
    public HttpResponse handle(HttpRequest request, String platformRequestId) {
        long start = System.nanoTime();
        String requestId =
                RequestIds.resolve(request.header("x-request-id"), platformRequestId, request.header("traceparent"));
        AccessLog.Facts facts = new AccessLog.Facts();
        HttpResponse response;
        try (RequestContext.Scope ignored = RequestContext.enter(requestId);
                RequestContext.Scope bound = logContext.bind(requestId);
                Tracing.Span span = Telemetry.tracing()
                        .start("request", "abi.request_id", requestId, "http.request.method", request.method())) {
            response = serve(request, facts);
            RequestSpans.finish(span, facts.route, response.status());
            response = withHeaders(response, Map.of("X-Request-Id", requestId));
            observe(request, requestId, facts, response, System.nanoTime() - start);
        }
        return response;
    }

    private HttpResponse serve(HttpRequest request, AccessLog.Facts facts) {
        Map<String, String> extra = new LinkedHashMap<>();
        HttpResponse response;
        try {
            response = route(request, extra, facts);
        } catch (RuntimeException | StackOverflowError e) {
            if (e instanceof RateLimitedException limited) {
                extra.putAll(limited.decision().headers());
                metrics.count(
                        "abi.ratelimit.rejections", "policy", limited.decision().policy());
            }
            response = router.dialectOf(request.path()) == Router.Dialect.OPENAI
                    ? OpenAiErrors.toResponse(e)
                    : ProblemMapper.toResponse(e);
        } finally {
            Audit.PRINCIPAL.remove();
        }
        extra.putAll(security.securityHeaders());
        cors(request, extra);
        return withHeaders(response, extra);
    }

    /** The request's access-log line and its sample of {@code abi.http.requests}; neither may fail the request. */
    private void observe(
            HttpRequest request, String requestId, AccessLog.Facts facts, HttpResponse response, long nanos) {
        String route = facts.route == null ? "unmatched" : facts.route;
        try {
            metrics.record(
                    "abi.http.requests",
                    Duration.ofNanos(nanos),
                    "route",
                    route,
                    "status",
                    Integer.toString(response.status()));
            if (accessLog) {
                String device = response.headers().get(GpuRouting.DEVICE_HEADER);
                AccessLog.log(
                        requestId,
                        request.method(),
                        facts,
                        response.status(),
                        nanos / 1000,
                        request.body().length,
                        response.stream() == null ? response.body().length : -1,
                        device == null ? "cpu" : device);
            }
        } catch (RuntimeException e) {
            System.getLogger(Gateway.class.getName())
                    .log(System.Logger.Level.WARNING, "request " + requestId + ": metrics or access log failed", e);
        }
    }

    private HttpResponse route(HttpRequest request, Map<String, String> extra, AccessLog.Facts facts) {
        long headerBytes = 0;
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new HeadersTooLargeException(headerBytes, MAX_HEADER_BYTES);
        }
        if (request.method().equals("OPTIONS")
                && request.header("access-control-request-method") != null
                && !security.corsOrigins().isEmpty()) {
            return new HttpResponse(204, Map.of(), new byte[0]); // CORS preflight; the headers are added below
        }
        if (request.body().length > limits.maxBodyBytes()) {
            throw new PayloadTooLargeException(request.body().length, limits.maxBodyBytes());
        }
        Router.Match match = router.route(request.method(), request.path());
        facts.route = match.pattern();
        facts.namespace = match.params().get("ns");
        String principalId = null;
        if (match.role() != null) {
            Principal principal = security.authenticator().authenticate(request);
            principalId = principal.id();
            facts.principal = principalId;
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
        if (idempotency != null && IdempotentRequests.applies(request, match)) {
            return idempotency.handle(
                    request, principalId, match, () -> match.handler().handle(request, match.params()));
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
            extra.put("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
            extra.put("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key");
            extra.put(
                    "Access-Control-Expose-Headers",
                    "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset,"
                            + " Retry-After, Idempotent-Replayed, X-Request-Id");
            extra.put("Access-Control-Max-Age", "600");
            if (!security.corsOrigins().contains("*")) {
                extra.put("Vary", "Origin");
            }
        }
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
            notYet("POST", "/v1/embeddings", "inference (GGUF models)", Router.Dialect.OPENAI);
            notYet("GET", "/v1/models", "inference (GGUF models)", Router.Dialect.OPENAI);
            notYet("GET", "/v1/models/{id}", "inference (GGUF models)", Router.Dialect.OPENAI);
            notYet("POST", "/v1/completions", "inference (GGUF models)", Router.Dialect.OPENAI);
            notYet("POST", "/v1/chat/completions", "inference (GGUF models)", Router.Dialect.OPENAI);
        }
    }

    private void notYet(String method, String pattern, String feature) {
        notYet(method, pattern, feature, Router.Dialect.PROBLEM);
    }

    private void notYet(String method, String pattern, String feature, Router.Dialect dialect) {
        router.add(method, pattern, null, dialect, (r, p) -> {
            throw new NotImplementedYetException(
                    method + " " + pattern + " needs " + feature + ", which this deployment does not have configured");
        });
    }
}
