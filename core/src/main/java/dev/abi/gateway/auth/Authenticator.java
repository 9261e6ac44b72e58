package dev.abi.gateway.auth;

import dev.abi.gateway.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Turns a request's {@code Authorization: Bearer ...} into a {@link Principal}: the bootstrap admin key (accepted as
 * is, for first setup), an API key ({@code abi_...}) or a JWT. When authentication is off every caller is an
 * anonymous admin.
 */
public final class Authenticator {

    private final boolean enabled;
    private final byte[] bootstrapKey;
    private final ApiKeys keys;
    private final JwtVerifier jwt;

    /**
     * @param bootstrapKey an admin key accepted as is, or null
     * @param keys         stored API keys, or null
     * @param jwt          JWT verification, or null when no keys are configured
     */
    public Authenticator(boolean enabled, String bootstrapKey, ApiKeys keys, JwtVerifier jwt) {
        this.enabled = enabled;
        this.bootstrapKey =
                bootstrapKey == null || bootstrapKey.isBlank() ? null : bootstrapKey.getBytes(StandardCharsets.UTF_8);
        this.keys = keys;
        this.jwt = jwt == null || !jwt.hasKeys() ? null : jwt;
    }

    public static Authenticator disabled() {
        return new Authenticator(false, null, null, null);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The stored API keys, for the admin routes; null when there are none. */
    public ApiKeys keys() {
        return keys;
    }

    /**
     * @throws UnauthenticatedException when credentials are missing or do not verify
     */
    public Principal authenticate(HttpRequest request) {
        if (!enabled) {
            return Principal.anonymousAdmin();
        }
        String header = request.header("authorization");
        if (header == null || header.isBlank()) {
            throw new UnauthenticatedException("credentials are required: send Authorization: Bearer <API key or JWT>");
        }
        if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthenticatedException("the Authorization header must use the Bearer scheme");
        }
        String token = header.substring(7).trim();
        if (bootstrapKey != null && MessageDigest.isEqual(bootstrapKey, token.getBytes(StandardCharsets.UTF_8))) {
            return new Principal("bootstrap", "bootstrap-key", List.of(new Grant(Role.ADMIN, "*")));
        }
        if (token.startsWith("abi_")) {
            if (keys == null) {
                throw new UnauthenticatedException("API keys are not configured on this deployment");
            }
            return keys.verify(token);
        }
        if (token.chars().filter(c -> c == '.').count() == 2) {
            if (jwt == null) {
                throw new UnauthenticatedException("JWT authentication is not configured on this deployment");
            }
            return jwt.verify(token);
        }
        throw new UnauthenticatedException("the bearer token is neither an API key nor a JWT");
    }
}
