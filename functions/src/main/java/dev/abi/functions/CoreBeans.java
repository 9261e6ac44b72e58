package dev.abi.functions;

import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentFormats;
import dev.abi.documents.DocumentIndex;
import dev.abi.events.ObjectIndexer;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.HealthCheck;
import dev.abi.gateway.Limits;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.inference.ModelRegistry;
import dev.abi.store.MetadataStore;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import dev.abi.store.ObjectStore;
import dev.abi.vector.VectorOpsProvider;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/** Wires the plain-Java core into CDI once per instance; every front door injects the same {@link Gateway}. */
@ApplicationScoped
public class CoreBeans {

    private static final Logger LOG = Logger.getLogger(CoreBeans.class);

    @Produces
    @Singleton
    ObjectStore objectStore(AbiConfig config, SelectedStore selected) {
        return selected.factory().create(config);
    }

    @Produces
    @Singleton
    MetadataStore metadataStore(AbiConfig config, ObjectStore store, @Any Instance<MetadataStoreFactory> factories) {
        String kind = config.metadata().kind();
        List<String> available = new java.util.ArrayList<>();
        for (MetadataStoreFactory f : factories) {
            available.add(f.kind());
            if (f.kind().equals(kind)) {
                return f.create(config, store);
            }
        }
        throw new IllegalStateException("abi.metadata.kind=" + kind + " is not available in this package; available: "
                + available);
    }

    @Produces
    @Singleton
    NamespaceService namespaceService(ObjectStore store, MetadataStore metadata) {
        return new NamespaceService(new NamespaceStore(store, metadata, java.time.Clock.systemUTC(),
                NamespaceStore.Options.DEFAULTS));
    }

    @Produces
    @Singleton
    Limits limits(AbiConfig config) {
        Limits d = Limits.defaults();
        return new Limits(config.maxBodyBytes(), d.maxBatch(), d.maxTopK(), d.maxIdBytes(), d.maxDimension());
    }

    @Produces
    @Singleton
    ModelRegistry models(AbiConfig config, ObjectStore store) {
        java.util.Map<String, ModelRegistry.StoredModel> stored = new java.util.HashMap<>();
        config.models().forEach((name, m) -> stored.put(name, new ModelRegistry.StoredModel(store, m.key(),
                m.sha256())));
        java.util.Map<String, java.nio.file.Path> local = new java.util.HashMap<>();
        for (String dir : config.modelsDir().split(",")) {
            if (dir.isBlank()) {
                continue;
            }
            ModelRegistry scanned = ModelRegistry.scan(java.nio.file.Path.of(dir.trim()));
            for (String name : scanned.names()) {
                local.putIfAbsent(name, java.nio.file.Path.of(dir.trim(), name + ".gguf"));
            }
        }
        ModelRegistry registry = new ModelRegistry(local, stored);
        LOG.infof("models served from %s: %s", config.modelsDir(), registry.names());
        return registry;
    }

    @Produces
    @Singleton
    DocumentIndex documentIndex(AbiConfig config, NamespaceService namespaces, ModelRegistry models) {
        AbiConfig.Embedding e = config.embedding();
        return new DocumentIndex(namespaces, models::embedder, e.model(),
                new Chunker.Options(e.windowTokens(), e.overlapTokens()), DocumentIndex.Limits.defaults());
    }

    @Produces
    @Singleton
    Gateway gateway(NamespaceService namespaces, Limits limits, ObjectStore store, MetadataStore metadata,
                    ModelRegistry models, DocumentIndex documents) {
        HealthCheck storeCheck = new HealthCheck() {
            @Override
            public String name() {
                return "objectStore";
            }

            @Override
            public String check() {
                store.get("health/probe");
                return "up (" + store.describe() + ")";
            }
        };
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
        return new Gateway(namespaces, limits, List.of(storeCheck, kernels), metadata, models, documents);
    }

    @Produces
    @Singleton
    ObjectIndexer objectIndexer(AbiConfig config, SelectedStore selected, NamespaceService namespaces, Limits limits,
                                MetadataStore metadata, DocumentIndex documents) {
        DocumentFormats.Options d = DocumentFormats.Options.defaults();
        return new ObjectIndexer(bucket -> selected.factory().forBucket(config, bucket), namespaces, limits, metadata,
                documents, new DocumentFormats.Options(d.maxBytes(), config.embedding().csvTextColumn(),
                        config.embedding().csvIdColumn()));
    }

    void onStart(@Observes StartupEvent ignored, AbiConfig config, ObjectStore store) {
        LOG.infof("ABI state in %s; vector kernels: %s (%s)", store.describe(), VectorOpsProvider.get().name(),
                VectorOpsProvider.reason());
        if (!config.auth().enabled()) {
            LOG.warn("Authentication is OFF (abi.auth.enabled=false): anyone who can reach this port can read and"
                    + " write every namespace. This is the embedded default for local use only.");
        }
    }
}
