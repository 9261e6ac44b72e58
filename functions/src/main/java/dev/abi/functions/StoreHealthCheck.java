package dev.abi.functions;

import dev.abi.gateway.HealthCheck;
import dev.abi.store.ObjectStore;
import org.jboss.logging.Logger;

/**
 * The object store's entry of the anonymous {@code /health}: it reads a probe key and names only the store's kind
 * ({@code up (local disk)}, {@code up (s3)}), never its location (a data directory's absolute path, a bucket), which the
 * startup log gives to the operator instead. A failure is reported without its message, which may name the location,
 * and logged in full.
 */
final class StoreHealthCheck implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(StoreHealthCheck.class);

    private final ObjectStore store;
    private final String label;

    /** @param kind {@code abi.store.kind} */
    StoreHealthCheck(ObjectStore store, String kind) {
        this.store = store;
        this.label = label(kind);
    }

    static String label(String kind) {
        return switch (kind) {
            case "local" -> "local disk";
            case "memory" -> "in memory";
            default -> kind;
        };
    }

    @Override
    public String name() {
        return "objectStore";
    }

    @Override
    public String check() {
        try {
            store.get("health/probe");
        } catch (RuntimeException e) {
            LOG.warnf(e, "health check: the object store (%s) failed", store.describe());
            throw new IllegalStateException(
                    label + " store unreachable (" + e.getClass().getSimpleName() + "); see the server log");
        }
        return "up (" + label + ")";
    }
}
