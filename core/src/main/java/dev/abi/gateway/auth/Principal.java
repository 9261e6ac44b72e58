package dev.abi.gateway.auth;

import java.util.List;

/**
 * Who is calling, once authenticated: an id for logs and rate limits (an API key's id or a JWT's subject, never a
 * secret) and what it may do.
 */
public record Principal(String id, String kind, List<Grant> grants) {

    public Principal {
        grants = List.copyOf(grants);
    }

    /** Whether some grant allows {@code role} on {@code namespace} ({@code null}: a route not tied to one). */
    public boolean allows(Role role, String namespace) {
        for (Grant g : grants) {
            if (namespace == null ? g.namespace().equals("*") && g.role().includes(role) : g.allows(role, namespace)) {
                return true;
            }
        }
        return false;
    }

    /** The caller when authentication is off: everything is allowed. */
    public static Principal anonymousAdmin() {
        return new Principal("anonymous", "none", List.of(new Grant(Role.ADMIN, "*")));
    }
}
