package dev.abi.gateway;

/** One named check reported by {@code GET /health}; {@link #check()} throws when the dependency is down. */
public interface HealthCheck {

    String name();

    /** A short status such as {@code up} or a backend name; throws when unhealthy. */
    String check();
}
