package dev.abi.functions;

import dev.abi.documents.DocumentIndex;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.HttpRequest;
import dev.abi.inference.ModelRegistry;
import dev.abi.namespace.NamespaceInfo;
import dev.abi.namespace.NamespaceService;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Warms an instance before its first request: the gateway path (routing, JSON, problem mapping), the namespaces
 * (their index opened and searched once, so segments are read and the search kernels compiled) and the default
 * embedding model (loaded and run once). Lambda SnapStart calls it before the snapshot (see the AWS adapter);
 * {@code abi.priming.on-start=true} runs it at startup instead, which moves the cost into the init phase.
 */
@ApplicationScoped
public class Priming {

    private static final Logger LOG = Logger.getLogger(Priming.class);

    /** What one priming run touched. */
    public record Report(int requests, List<String> namespaces, String model, long millis) {}

    @Inject
    Gateway gateway;

    @Inject
    NamespaceService namespaces;

    @Inject
    ModelRegistry models;

    @Inject
    DocumentIndex documents;

    @ConfigProperty(name = "abi.priming.on-start", defaultValue = "false")
    boolean onStart;

    @ConfigProperty(name = "abi.priming.max-namespaces", defaultValue = "8")
    int maxNamespaces;

    void startup(@Observes StartupEvent ignored) {
        if (onStart) {
            prime();
        }
    }

    /** Runs the warm-up; failures are logged, never thrown (priming must not stop an instance from serving). */
    public Report prime() {
        long start = System.nanoTime();
        int requests = 0;
        List<String> opened = new ArrayList<>();
        String model = null;
        try {
            for (int i = 0; i < 3; i++) {
                gateway.handle(new HttpRequest("GET", "/health", Map.of(), Map.of(), new byte[0]));
                gateway.handle(new HttpRequest(
                        "POST",
                        "/v1/namespaces/-/query",
                        Map.of(),
                        Map.of("content-type", "application/json"),
                        "{\"vector\":\"bad\"}".getBytes()));
                requests += 2;
            }
            for (NamespaceInfo ns : namespaces.list()) {
                if (opened.size() == maxNamespaces) {
                    break;
                }
                float[] probe = new float[ns.dimension()];
                probe[0] = 1;
                namespaces.query(ns.name(), new NamespaceService.Query(probe, 10, null, null));
                opened.add(ns.name());
            }
            String name = documents.defaultModel();
            if (models.names().contains(name)) {
                models.embedder(name).embed(List.of("priming the embedding model before the first request"));
                model = name;
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "priming stopped early");
        }
        Report report = new Report(requests, opened, model, (System.nanoTime() - start) / 1_000_000);
        LOG.infof(
                "primed in %d ms: %d gateway requests, namespaces %s, model %s",
                report.millis(), report.requests(), report.namespaces(), report.model());
        return report;
    }
}
