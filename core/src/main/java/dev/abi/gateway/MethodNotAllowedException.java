package dev.abi.gateway;

import java.util.Set;

/** The path exists but not for this method; {@link #allowed()} goes into the {@code Allow} header. */
public final class MethodNotAllowedException extends RuntimeException {

    private final Set<String> allowed;

    public MethodNotAllowedException(String method, String path, Set<String> allowed) {
        super(method + " is not allowed on " + path + "; allowed: " + String.join(", ", allowed));
        this.allowed = Set.copyOf(allowed);
    }

    public Set<String> allowed() {
        return allowed;
    }
}
