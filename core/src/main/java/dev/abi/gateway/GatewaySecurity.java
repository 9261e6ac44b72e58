package dev.abi.gateway;

import dev.abi.gateway.auth.Authenticator;
import dev.abi.gateway.ratelimit.RateLimiter;
import java.util.List;
import java.util.Map;

/**
 * Who may call, how often, and what the responses carry: authentication, rate limits, extra security headers and
 * CORS. {@link #none()} is the embedded local default: everything off.
 *
 * @param securityHeaders added to every response (e.g. {@code Strict-Transport-Security}); empty by default
 * @param corsOrigins     origins allowed to call from a browser ({@code *} for any); empty turns CORS off
 */
public record GatewaySecurity(
        Authenticator authenticator,
        RateLimiter rateLimiter,
        Map<String, String> securityHeaders,
        List<String> corsOrigins) {

    public GatewaySecurity {
        authenticator = authenticator == null ? Authenticator.disabled() : authenticator;
        securityHeaders = securityHeaders == null ? Map.of() : Map.copyOf(securityHeaders);
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    }

    public static GatewaySecurity none() {
        return new GatewaySecurity(null, null, null, null);
    }

    /** The headers recommended for a public API, for {@code abi.security-headers.enabled}. */
    public static Map<String, String> recommendedHeaders() {
        return Map.of(
                "Strict-Transport-Security",
                "max-age=63072000; includeSubDomains",
                "X-Content-Type-Options",
                "nosniff",
                "Cache-Control",
                "no-store",
                "Referrer-Policy",
                "no-referrer",
                "X-Frame-Options",
                "DENY");
    }
}
