package dev.abi.gateway;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;
import java.util.Map;
import java.util.Set;

/** The path exists but not for this method; {@link #allowed()} goes into the {@code Allow} header. */
public final class MethodNotAllowedException extends RuntimeException implements Classified {

    private final Set<String> allowed;

    public MethodNotAllowedException(String method, String path, Set<String> allowed) {
        super(method + " is not allowed on " + path + "; allowed: " + String.join(", ", allowed));
        this.allowed = Set.copyOf(allowed);
    }

    public Set<String> allowed() {
        return allowed;
    }

    @Override
    public Failure failure() {
        return Failure.of(405, "method-not-allowed", "Method not allowed", getMessage())
                .withHeaders(Map.of("Allow", String.join(", ", allowed)))
                .withCode("method_not_allowed");
    }
}
