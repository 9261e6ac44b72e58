package dev.abi.functions;

import dev.abi.budget.ComputeBudget;
import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentFormats;
import dev.abi.documents.DocumentIndex;
import dev.abi.events.DeadLetters;
import dev.abi.events.EventProcessor;
import dev.abi.events.NamespaceMapping;
import dev.abi.events.ObjectIndexer;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.GatewaySecurity;
import dev.abi.gateway.GpuCredentials;
import dev.abi.gateway.GpuRouting;
import dev.abi.gateway.HealthCheck;
import dev.abi.gateway.Limits;
import dev.abi.gateway.auth.ApiKeys;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.gateway.auth.JwtVerifier;
import dev.abi.gateway.auth.JwtVerifierBuilder;
import dev.abi.gateway.ratelimit.RateLimitPolicy;
import dev.abi.gateway.ratelimit.RateLimiter;
import dev.abi.inference.ModelRegistry;
import dev.abi.namespace.Consistency;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.namespace.ReadPolicy;
import dev.abi.resilience.CircuitBreaker;
import dev.abi.store.CircuitBreakingObjectStore;
import dev.abi.store.MetadataStore;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObservedObjectStore;
import dev.abi.telemetry.Metrics;
import dev.abi.telemetry.RequestContext;
import dev.abi.vector.VectorOpsProvider;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** Wires the plain-Java core into CDI once per instance; every front door injects the same {@link Gateway}. */
@ApplicationScoped
public class CoreBeans {

    private static final Logger LOG = Logger.getLogger(CoreBeans.class);

    /** No metrics: the default where no backend is bound ({@link MetricsBeans} binds Micrometer). */
    @Produces
    @DefaultBean
    @Singleton
    Metrics metrics() {
        return Metrics.NOOP;
    }

    /**
     * No credential on requests to the GPU service: the default where no package binds one (adapters-gcp binds a
     * Google identity token for a private Cloud Run service).
     */
    @Produces
    @DefaultBean
    @Singleton
    GpuCredentials gpuCredentials() {
        return GpuCredentials.NONE;
    }

    /** Logs each change of a breaker's state and counts it in {@code abi.breaker.transitions}. */
    static CircuitBreaker.Listener breakerListener(Metrics metrics) {
        CircuitBreaker.Listener log = CircuitBreaker.Listener.logging();
        return (name, from, to) -> {
            log.onStateChange(name, from, to);
            metrics.count(
                    "abi.breaker.transitions", "breaker", name, "to", to.name().toLowerCase(Locale.ROOT));
        };
    }

    /** Puts the id of the request being served in JBoss Logging's MDC, so that Quarkus' log lines carry it too. */
    static final RequestContext.Binding MDC_REQUEST_ID = requestId -> {
        MDC.put("requestId", requestId);
        return () -> MDC.remove("requestId");
    };

    @Produces
    @Singleton
    ObjectStore objectStore(AbiConfig config, SelectedStore selected, Metrics metrics) {
        ObjectStore store = selected.factory().create(config);
        if (config.objectStoreBreaker()) {
            store = new CircuitBreakingObjectStore(
                    store,
                    new CircuitBreaker(
                            "object-store",
                            CircuitBreaker.Config.defaults(),
                            Clock.systemUTC(),
                            CircuitBreakingObjectStore::isFailure,
                            breakerListener(metrics)));
        }
        // outermost, so that calls an open breaker refuses are counted too (outcome "rejected")
        return new ObservedObjectStore(store, metrics);
    }

    @Produces
    @Singleton
    GatewaySecurity security(AbiConfig config, ObjectStore store, @Any Instance<CounterStoreFactory> counters) {
        AbiConfig.Auth auth = config.auth();
        AbiConfig.Jwt j = auth.jwt();
        JwtVerifierBuilder jwt = JwtVerifier.builder()
                .issuer(j.issuer().orElse(null))
                .audience(j.audience().orElse(null))
                .clockSkewSeconds(j.clockSkewSeconds())
                .jwksUrl(j.jwksUrl().orElse(null))
                .oidcDiscovery(j.oidcIssuerDiscovery())
                .jwksTimeouts(j.jwksConnectTimeout(), j.jwksReadTimeout())
                .jwksCacheTtl(j.jwksCacheTtl())
                .jwksMinRefreshInterval(j.jwksMinRefreshInterval())
                .jwksOutageTolerance(j.jwksOutageTolerance());
        try {
            if (j.hs256Secret().isPresent()) {
                jwt.hmacSecret(null, j.hs256Secret().get().getBytes(StandardCharsets.UTF_8));
            }
            if (j.publicKeyFile().isPresent()) {
                jwt.publicKeyPem(
                        null, Files.readString(Path.of(j.publicKeyFile().get())));
            }
            if (j.jwksFile().isPresent()) {
                jwt.jwksFile(Path.of(j.jwksFile().get()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("abi.auth.jwt: " + e.getMessage(), e);
        }
        Authenticator authenticator = new Authenticator(
                auth.enabled(), auth.bootstrapKey().orElse(null), new ApiKeys(store, Clock.systemUTC()), jwt.build());
        List<RateLimitPolicy> policies = new ArrayList<>();
        config.rateLimits()
                .forEach((name, r) -> policies.add(new RateLimitPolicy(
                        name,
                        RateLimitPolicy.Algorithm.parse(r.algorithm()),
                        r.limit(),
                        r.window(),
                        r.perRoute(),
                        Set.copyOf(r.routes().orElse(List.of())),
                        Set.copyOf(r.principals().orElse(List.of())))));
        RateLimiter limiter = null;
        if (!policies.isEmpty()) {
            CounterStoreFactory factory = null;
            for (CounterStoreFactory f : counters) {
                if (f.kind().equals(config.rateLimitCounters())) {
                    factory = f;
                }
            }
            if (factory == null) {
                throw new IllegalStateException(
                        "abi.rate-limit-counters=" + config.rateLimitCounters() + " is not available in this package");
            }
            limiter = new RateLimiter(policies, factory.create(config), Clock.systemUTC());
            LOG.infof(
                    "rate limits: %s (counters: %s)",
                    policies.stream().map(RateLimitPolicy::name).toList(), config.rateLimitCounters());
        }
        return new GatewaySecurity(
                authenticator,
                limiter,
                config.securityHeaders() ? GatewaySecurity.recommendedHeaders() : null,
                config.corsOrigins().orElse(null));
    }

    @Produces
    @Singleton
    MetadataStore metadataStore(AbiConfig config, ObjectStore store, @Any Instance<MetadataStoreFactory> factories) {
        String kind = config.metadata().kind();
        List<String> available = new ArrayList<>();
        for (MetadataStoreFactory f : factories) {
            available.add(f.kind());
            if (f.kind().equals(kind)) {
                return f.create(config, store);
            }
        }
        throw new IllegalStateException(
                "abi.metadata.kind=" + kind + " is not available in this package; available: " + available);
    }

    @Produces
    @Singleton
    NamespaceService namespaceService(AbiConfig config, ObjectStore store, MetadataStore metadata) {
        return new NamespaceService(
                new NamespaceStore(store, metadata, Clock.systemUTC(), NamespaceStore.Options.DEFAULTS),
                task -> Thread.ofVirtual().name("abi-indexer").start(task),
                config.maxNamespaces(),
                readPolicy(config.read()));
    }

    /** {@code abi.read.*}; a bad value stops the start with a message naming the property. */
    static ReadPolicy readPolicy(AbiConfig.Read read) {
        Consistency consistency;
        try {
            consistency = Consistency.fromWireName(read.consistency());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("abi.read.consistency " + e.getMessage(), e);
        }
        try {
            return new ReadPolicy(consistency, read.maxStaleness(), read.fullCheckEvery());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "abi.read.max-staleness and abi.read.full-check-every must not be" + " negative: " + e.getMessage(),
                    e);
        }
    }

    @Produces
    @Singleton
    Limits limits(AbiConfig config) {
        Limits d = Limits.defaults();
        AbiConfig.Budget b = config.budget();
        ComputeBudget budget = ComputeBudget.builder()
                .maxEmbeddingInputs(b.maxEmbeddingInputs())
                .maxEmbeddingTokens(b.maxEmbeddingTokens())
                .maxDocumentTokens(b.maxDocumentTokens())
                .maxPromptChars(b.maxPromptChars())
                .maxMessages(b.maxMessages())
                .build();
        return new Limits(config.maxBodyBytes(), d.maxBatch(), d.maxTopK(), d.maxIdBytes(), d.maxDimension(), budget);
    }

    @Produces
    @Singleton
    ModelRegistry models(AbiConfig config, ObjectStore store) {
        Map<String, ModelRegistry.StoredModel> stored = new HashMap<>();
        config.models()
                .forEach((name, m) -> stored.put(name, new ModelRegistry.StoredModel(store, m.key(), m.sha256())));
        Map<String, Path> local = new HashMap<>();
        for (String dir : config.modelsDir().split(",")) {
            if (dir.isBlank()) {
                continue;
            }
            ModelRegistry scanned = ModelRegistry.scan(Path.of(dir.trim()));
            for (String name : scanned.names()) {
                local.putIfAbsent(name, Path.of(dir.trim(), name + ".gguf"));
            }
        }
        ModelRegistry registry = new ModelRegistry(local, stored);
        LOG.infof("models served from %s: %s", config.modelsDir(), registry.names());
        return registry;
    }

    @Produces
    @Singleton
    DocumentIndex documentIndex(
            AbiConfig config,
            NamespaceService namespaces,
            ModelRegistry models,
            Metrics metrics,
            GpuCredentials gpuCredentials) {
        AbiConfig.Embedding e = config.embedding();
        return new DocumentIndex(
                namespaces,
                models::embedder,
                e.model(),
                new Chunker.Options(e.windowTokens(), e.overlapTokens()),
                DocumentIndex.Limits.defaults(),
                gpuRouting(config, metrics, gpuCredentials));
    }

    private GpuRouting gpuRouting;
    private boolean gpuRoutingBuilt;

    /**
     * The one routing to the GPU service, or null when {@code abi.gpu.url} is unset: queries (the gateway) and
     * document ingests (the document index) share it, and so share its breaker.
     */
    private synchronized GpuRouting gpuRouting(AbiConfig config, Metrics metrics, GpuCredentials credentials) {
        if (!gpuRoutingBuilt) {
            gpuRoutingBuilt = true;
            gpuRouting = gpuRouting(config.gpu(), metrics, credentials);
            if (gpuRouting != null) {
                LOG.infof(
                        "exact queries of %d rows x queries or more, and ingests of %d chunks or more, go to the GPU"
                                + " service at %s first",
                        config.gpu().minWork(),
                        config.gpu().minDocuments(),
                        config.gpu().url().get());
            }
        }
        return gpuRouting;
    }

    /** {@code abi.gpu.*} as a {@link GpuRouting}, or null when {@code abi.gpu.url} is unset. */
    static GpuRouting gpuRouting(AbiConfig.Gpu gpu, Metrics metrics) {
        return gpuRouting(gpu, metrics, GpuCredentials.NONE);
    }

    /** {@code abi.gpu.*} as a {@link GpuRouting} sending {@code credentials}, or null without {@code abi.gpu.url}. */
    static GpuRouting gpuRouting(AbiConfig.Gpu gpu, Metrics metrics, GpuCredentials credentials) {
        return gpu.url()
                .map(url -> GpuRouting.builder(
                                URI.create(url),
                                new CircuitBreaker(
                                        "gpu-service",
                                        CircuitBreaker.Config.defaults(),
                                        Clock.systemUTC(),
                                        GpuRouting::isFailure,
                                        breakerListener(metrics)))
                        .minWork(gpu.minWork())
                        .minDocuments(gpu.minDocuments())
                        .timeout(gpu.timeout())
                        .credentials(credentials)
                        .build())
                .orElse(null);
    }

    @Produces
    @Singleton
    Gateway gateway(
            AbiConfig config,
            NamespaceService namespaces,
            Limits limits,
            ObjectStore store,
            MetadataStore metadata,
            ModelRegistry models,
            DocumentIndex documents,
            GatewaySecurity security,
            ObjectIndexer objectIndexer,
            Metrics metrics,
            GpuCredentials gpuCredentials) {
        HealthCheck storeCheck = new StoreHealthCheck(store, config.store().kind());
        HealthCheck kernels = new HealthCheck() {
            @Override
            public String name() {
                return "vectorKernels";
            }

            @Override
            public String check() {
                return VectorOpsProvider.get().name();
            }
        };
        GpuRouting gpu = gpuRouting(config, metrics, gpuCredentials);
        return Gateway.builder(namespaces)
                .limits(limits)
                .healthChecks(List.of(storeCheck, kernels))
                .idempotency(metadata)
                .models(models)
                .documents(documents)
                .security(security)
                .objectIndexer(objectIndexer)
                .gpu(gpu)
                .metrics(metrics)
                .logContext(MDC_REQUEST_ID)
                .build();
    }

    @Produces
    @Singleton
    ObjectIndexer objectIndexer(
            AbiConfig config,
            SelectedStore selected,
            NamespaceService namespaces,
            Limits limits,
            MetadataStore metadata,
            DocumentIndex documents) {
        return ObjectIndexer.builder(bucket -> selected.factory().forBucket(config, bucket), namespaces)
                .limits(limits.namespaceLimits())
                .idempotency(metadata)
                .documents(documents)
                .formats(new DocumentFormats.Options(
                        config.indexing().maxObjectBytes(),
                        config.embedding().csvTextColumn(),
                        config.embedding().csvIdColumn()))
                .mapping(NamespaceMapping.parse(config.indexing().mapping()))
                .build();
    }

    @Produces
    @Singleton
    EventProcessor eventProcessor(ObjectIndexer indexer, ObjectStore store, Metrics metrics) {
        return new EventProcessor(indexer, new DeadLetters(store, metrics));
    }

    /** The startup warning of a server with authentication off, listening on {@code host}. */
    static String authOffWarning(String host) {
        if (ListenHostInterceptor.LOOPBACK.equals(host) || "localhost".equals(host)) {
            return "Authentication is OFF (abi.auth.enabled=false), so the server listens on " + host + " only: anyone"
                    + " on this machine can read and write every namespace. This is the embedded default for"
                    + " local use only; to listen on other interfaces turn authentication on, or set"
                    + " -Dabi.http.host (or quarkus.http.host) explicitly.";
        }
        return "Authentication is OFF (abi.auth.enabled=false) and the server listens on " + host + ", set"
                + " explicitly: anyone who can reach this port can read and write every namespace.";
    }

    void onStart(@Observes StartupEvent ignored, AbiConfig config, ObjectStore store) {
        LOG.infof(
                "ABI state in %s; vector kernels: %s (%s)",
                store.describe(), VectorOpsProvider.get().name(), VectorOpsProvider.reason());
        if (!config.auth().enabled()) {
            String host = ConfigProvider.getConfig()
                    .getOptionalValue("quarkus.http.host", String.class)
                    .orElse("?");
            LOG.warn(authOffWarning(host));
        } else if (config.auth().bootstrapKey().isPresent()) {
            LOG.warn("abi.auth.bootstrap-key is set: it is an admin key. Create real keys with it"
                    + " (POST /v1/admin/keys), then remove it.");
        }
    }
}
