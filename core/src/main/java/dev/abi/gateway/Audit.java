package dev.abi.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The audit log of admin actions: one JSON object per line on the {@code abi.audit} logger, with the time, the
 * caller's principal id (never a secret), the action, its target and details.
 */
final class Audit {

    private static final System.Logger LOG = System.getLogger("abi.audit");
    static final ThreadLocal<String> PRINCIPAL = new ThreadLocal<>();

    private Audit() {}

    static void log(HttpRequest request, String action, String target, String detail) {
        ObjectNode n = JsonBodies.MAPPER
                .createObjectNode()
                .put("time", Instant.now().toString())
                .put("principal", PRINCIPAL.get() == null ? "anonymous" : PRINCIPAL.get())
                .put("action", action)
                .put("target", target)
                .put("detail", detail)
                .put("method", request.method())
                .put("path", request.path());
        LOG.log(System.Logger.Level.INFO, n.toString());
    }
}
