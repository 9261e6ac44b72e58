package dev.abi.gateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link JwtVerifier}. Keys: HS256 secrets, PEM public keys (RSA, EC P-256/P-384, Ed25519), a JWKS file,
 * and at most one remote JWKS ({@link #jwksUrl(String)} or {@link #oidcDiscovery(boolean)} from the issuer).
 * {@link #build()} refuses an unsafe configuration with a {@link JwtConfigException} naming the setting: public keys
 * without an audience (any other client of the same identity provider would hold valid tokens), a skew above
 * {@value JwtVerifier#MAX_SKEW_SECONDS} s, discovery without an issuer, a JWKS URL that is not HTTPS.
 */
public final class JwtVerifierBuilder {

    private String issuer;
    private String audience;
    private long skewSeconds = 60;
    private Clock clock = Clock.systemUTC();
    private final List<JWK> keys = new ArrayList<>();
    private String jwksUrl;
    private boolean discovery;
    private Duration connectTimeout = JwksSettings.DEFAULTS.connectTimeout();
    private Duration readTimeout = JwksSettings.DEFAULTS.readTimeout();
    private Duration cacheTtl = JwksSettings.DEFAULTS.cacheTtl();
    private Duration minRefreshInterval = JwksSettings.DEFAULTS.minRefreshInterval();
    private Duration outageTolerance = JwksSettings.DEFAULTS.outageTolerance();

    JwtVerifierBuilder() {}

    /** Required {@code iss}; null accepts any (not allowed with discovery). */
    public JwtVerifierBuilder issuer(String issuer) {
        this.issuer = blankToNull(issuer);
        return this;
    }

    /** Required member of {@code aud}; mandatory as soon as any public key or JWKS is configured. */
    public JwtVerifierBuilder audience(String audience) {
        this.audience = blankToNull(audience);
        return this;
    }

    /** Accepted clock difference on {@code exp}, {@code nbf} and {@code iat}: 0 to 300 s (default 60). */
    public JwtVerifierBuilder clockSkewSeconds(long seconds) {
        this.skewSeconds = seconds;
        return this;
    }

    /** The clock for token times and the JWKS cache (default: system UTC). */
    public JwtVerifierBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Adds an HS256 secret (at least 32 bytes, as RFC 7518 requires). {@code kid} may be null (any token kid). */
    public JwtVerifierBuilder hmacSecret(String kid, byte[] secret) {
        if (secret.length < JwkPolicy.MIN_HMAC_BYTES) {
            throw new JwtConfigException("abi.auth.jwt.hs256-secret", "must be at least 32 bytes");
        }
        keys.add(new OctetSequenceKey.Builder(secret)
                .keyID(kid)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.HS256)
                .build());
        return this;
    }

    /**
     * Adds a public key in PEM ({@code BEGIN PUBLIC KEY}): RSA of at least 2048 bits (RS256/384/512, PS256), EC P-256
     * (ES256) or P-384 (ES384), or Ed25519 (EdDSA).
     */
    public JwtVerifierBuilder publicKeyPem(String kid, String pem) {
        keys.add(PemKeys.parse(kid, pem));
        return this;
    }

    /** Adds every key of a JWKS file; keys are checked against the token ({@code use}, {@code alg}...) when used. */
    public JwtVerifierBuilder jwksFile(Path file) throws IOException {
        try {
            for (JWK k : JWKSet.parse(Files.readString(file)).getKeys()) {
                // a private part, if the file has one, is never needed to verify: it is not kept
                keys.add(JwtVerifier.asymmetric(k) ? k.toPublicJWK() : k);
            }
        } catch (ParseException e) {
            throw new JwtConfigException("abi.auth.jwt.jwks-file", file + " is not a JWKS document");
        }
        return this;
    }

    /** A JWKS URL (the identity provider's {@code jwks_uri}), fetched on first use and cached. */
    public JwtVerifierBuilder jwksUrl(String url) {
        this.jwksUrl = blankToNull(url);
        return this;
    }

    /** Finds the JWKS URL from {@code <issuer>/.well-known/openid-configuration} (the issuer is then required). */
    public JwtVerifierBuilder oidcDiscovery(boolean discovery) {
        this.discovery = discovery;
        return this;
    }

    /** Connect and read timeouts of JWKS and discovery requests (defaults 2 s and 3 s). */
    public JwtVerifierBuilder jwksTimeouts(Duration connect, Duration read) {
        this.connectTimeout = connect;
        this.readTimeout = read;
        return this;
    }

    /** How long fetched keys are used before being fetched again (default 10 min). */
    public JwtVerifierBuilder jwksCacheTtl(Duration ttl) {
        this.cacheTtl = ttl;
        return this;
    }

    /** Least time between two JWKS fetches, e.g. for unknown {@code kid}s (default 30 s). */
    public JwtVerifierBuilder jwksMinRefreshInterval(Duration interval) {
        this.minRefreshInterval = interval;
        return this;
    }

    /** How long past the cache TTL cached keys stay in use while the JWKS endpoint fails (default 1 h). */
    public JwtVerifierBuilder jwksOutageTolerance(Duration tolerance) {
        this.outageTolerance = tolerance;
        return this;
    }

    /**
     * @throws JwtConfigException naming the setting when the configuration is incomplete or unsafe
     */
    public JwtVerifier build() {
        if (skewSeconds < 0 || skewSeconds > JwtVerifier.MAX_SKEW_SECONDS) {
            throw new JwtConfigException(
                    "abi.auth.jwt.clock-skew-seconds",
                    "must be 0 to " + JwtVerifier.MAX_SKEW_SECONDS + " seconds, not " + skewSeconds);
        }
        if (jwksUrl != null && discovery) {
            throw new JwtConfigException(
                    "abi.auth.jwt.oidc-issuer-discovery", "set either abi.auth.jwt.jwks-url or discovery, not both");
        }
        if (discovery && issuer == null) {
            throw new JwtConfigException("abi.auth.jwt.issuer", "is required for OIDC discovery");
        }
        RemoteJwks remote = null;
        if (jwksUrl != null || discovery) {
            JwksSettings settings = new JwksSettings(
                    connectTimeout,
                    readTimeout,
                    JwksSettings.DEFAULTS.maxBytes(),
                    cacheTtl,
                    minRefreshInterval,
                    outageTolerance);
            RemoteJwks.Location location = discovery
                    ? new OidcDiscovery(issuer)
                    : OidcDiscovery.fixed(JwksUrls.checked(jwksUrl, "abi.auth.jwt.jwks-url"));
            remote = new RemoteJwks(location, settings, clock);
        }
        boolean publicKeys = remote != null || keys.stream().anyMatch(JwtVerifier::asymmetric);
        if (publicKeys && audience == null) {
            throw new JwtConfigException(
                    "abi.auth.jwt.audience",
                    "is required with public keys (PEM, JWKS file or"
                            + " JWKS URL): without it a token the identity provider issued to any other application would"
                            + " be accepted here");
        }
        return new JwtVerifier(new JwtClaimRules(issuer, audience, skewSeconds), keys, remote, clock);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
