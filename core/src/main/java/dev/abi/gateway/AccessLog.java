package dev.abi.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The access log: one JSON object per request on the {@code abi.access} logger, at INFO. It names the route by its
 * pattern ({@code POST /v1/namespaces/{ns}/query}, never the raw path), and holds no body, header value or secret:
 * only the principal's id, which is not one.
 */
final class AccessLog {

    static final String LOGGER = "abi.access";
    private static final System.Logger LOG = System.getLogger(LOGGER);

    private AccessLog() {}

    /** What the gateway learns of a request while it serves it; null fields were not reached. */
    static final class Facts {
        String route;
        String principal;
        String namespace;
    }

    static void log(
            String requestId,
            String method,
            Facts facts,
            int status,
            long latencyMicros,
            long bytesIn,
            long bytesOut,
            String device) {
        if (!LOG.isLoggable(System.Logger.Level.INFO)) {
            return;
        }
        ObjectNode n = JsonBodies.MAPPER
                .createObjectNode()
                .put("requestId", requestId)
                .put("method", method)
                .put("route", facts.route)
                .put("status", status)
                .put("latencyMs", latencyMicros / 1000.0)
                .put("principal", facts.principal)
                .put("namespace", facts.namespace)
                .put("bytesIn", bytesIn);
        if (bytesOut < 0) {
            n.putNull("bytesOut"); // a streamed reply: its size is not known when the gateway returns it
        } else {
            n.put("bytesOut", bytesOut);
        }
        n.put("device", device);
        LOG.log(System.Logger.Level.INFO, n.toString());
    }
}
