package dev.abi.telemetry;

import java.util.UUID;

/**
 * Picks the id of a request: the client's {@code X-Request-Id} when it is sane (1 to 128 characters of
 * {@code [A-Za-z0-9._:-]}), else the platform's own request id (API Gateway's {@code requestContext.requestId}, say;
 * base64's {@code =+/} allowed),
 * else the trace id of a W3C {@code traceparent} header, else a new random one. Anything else a client sends is
 * ignored, so an id can be written into logs and headers as it is.
 */
public final class RequestIds {

    /** The longest id taken from outside. */
    public static final int MAX_LENGTH = 128;

    private RequestIds() {}

    /**
     * @param header      the request's {@code X-Request-Id}, or null
     * @param platformId  the platform's id of this request, or null
     * @param traceparent the request's {@code traceparent}, or null
     */
    public static String resolve(String header, String platformId, String traceparent) {
        if (isSane(header)) {
            return header;
        }
        if (isSanePlatformId(platformId)) {
            return platformId;
        }
        String traceId = traceId(traceparent);
        return traceId != null ? traceId : UUID.randomUUID().toString();
    }

    /** Whether {@code id} may be used as it is: 1 to 128 characters of {@code [A-Za-z0-9._:-]}. */
    public static boolean isSane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a platform's own id may be used as it is: as {@link #isSane}, with base64's {@code =}, {@code +} and
     * {@code /} allowed too (API Gateway's HTTP API ids end in {@code =}).
     */
    static boolean isSanePlatformId(String id) {
        return id != null && isSane(id.replace('=', '.').replace('+', '.').replace('/', '.'));
    }

    /**
     * The trace id of a {@code traceparent} header ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or null when the header is
     * absent, malformed, or carries the all-zero (invalid) trace id.
     */
    static String traceId(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        String[] parts = traceparent.trim().split("-");
        if (parts.length < 4
                || parts[0].length() != 2
                || parts[1].length() != 32
                || !isLowerHex(parts[1])
                || parts[1].chars().allMatch(c -> c == '0')) {
            return null;
        }
        return parts[1];
    }

    private static boolean isLowerHex(String s) {
        return s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
