package dev.abi.gcp.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.gateway.GpuCredentials;
import dev.abi.gateway.GpuCredentialsException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Google identity token for one audience (the GPU service's URL), from the metadata server of the instance that
 * runs this code (Cloud Functions, Cloud Run, GCE): {@code GET
 * /computeMetadata/v1/instance/service-accounts/default/identity?audience=<url>&format=full} with
 * {@code Metadata-Flavor: Google}. The token is kept until {@code refreshBefore} ahead of its {@code exp} (read from
 * its payload; the signature is the receiver's to check) and fetched again after that. One fetch at a time; callers
 * wait for it rather than each asking the server.
 *
 * <p>The token is in no message, log line or {@code toString}: failures say what the server answered, not what it
 * sent.
 */
public final class GoogleIdentityToken implements GpuCredentials {

    /** The metadata server's host on Google's compute; {@code GCE_METADATA_HOST} overrides it. */
    public static final String DEFAULT_METADATA_HOST = "metadata.google.internal";

    /** The conventional environment variable that names another metadata host ({@code host[:port]}). */
    public static final String METADATA_HOST_VARIABLE = "GCE_METADATA_HOST";

    private static final System.Logger LOG = System.getLogger(GoogleIdentityToken.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String audience;
    private final URI identityUri;
    private final Clock clock;
    private final Duration refreshBefore;
    private final Duration timeout;
    private final HttpClient http;
    private final ReentrantLock fetching = new ReentrantLock();

    /** The header value and when to fetch again; guarded by {@link #fetching}. */
    private Cached cached;

    private GoogleIdentityToken(Builder b) {
        this.audience = b.audience;
        this.identityUri = URI.create("http://" + b.metadataHost
                + "/computeMetadata/v1/instance/service-accounts/default/identity?audience="
                + URLEncoder.encode(b.audience, StandardCharsets.UTF_8) + "&format=full");
        this.clock = b.clock;
        this.refreshBefore = b.refreshBefore;
        this.timeout = b.timeout;
        this.http = HttpClient.newBuilder().connectTimeout(b.timeout).build();
    }

    /** Tokens whose audience is {@code audience}, e.g. {@code https://abi-gpu-xyz.a.run.app}. */
    public static Builder builder(String audience) {
        return new Builder(audience);
    }

    @Override
    public Optional<String> authorization() {
        fetching.lock();
        try {
            Instant now = clock.instant();
            if (cached == null || !now.isBefore(cached.refreshAt())) {
                cached = fetch(now);
            }
            return Optional.of(cached.header());
        } finally {
            fetching.unlock();
        }
    }

    private Cached fetch(Instant now) {
        HttpRequest request = HttpRequest.newBuilder(identityUri)
                .timeout(timeout)
                .header("Metadata-Flavor", "Google")
                .GET()
                .build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw failed("timed out after " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw failed(
                    "unreachable ("
                            + (e.getMessage() != null
                                    ? e.getMessage()
                                    : e.getClass().getSimpleName()) + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("interrupted while waiting", e);
        }
        if (r.statusCode() != 200) {
            // an error body is the server's explanation, never a token
            String detail = r.body().strip();
            throw failed("answered " + r.statusCode() + (detail.isEmpty() ? "" : ": " + abbreviate(detail)), null);
        }
        String token = r.body().strip();
        Instant expires = expiry(token);
        if (!now.isBefore(expires)) {
            throw failed("answered a token that expired at " + expires, null);
        }
        // a token that expires within refreshBefore serves this request only
        Instant refreshAt = expires.minus(refreshBefore).isAfter(now) ? expires.minus(refreshBefore) : now;
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "identity token for " + audience + " fetched, valid until " + expires + ", kept until "
                        + refreshAt);
        return new Cached("Bearer " + token, refreshAt);
    }

    /** The {@code exp} claim of a JWT, read without checking its signature; the message never quotes the token. */
    static Instant expiry(String jwt) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new GpuCredentialsException("the metadata server's identity token is not a JWT (3 parts)");
        }
        JsonNode exp;
        try {
            exp = JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).get("exp");
        } catch (IOException | IllegalArgumentException e) {
            // the parser's message could quote the payload: not repeated
            throw new GpuCredentialsException("the metadata server's identity token has no readable JSON payload");
        }
        if (exp == null || !exp.isNumber() || exp.asLong() <= 0) {
            throw new GpuCredentialsException("the metadata server's identity token has no numeric exp claim");
        }
        return Instant.ofEpochSecond(exp.asLong());
    }

    private GpuCredentialsException failed(String what, Throwable cause) {
        return new GpuCredentialsException(
                "identity token for " + audience + " from the metadata server at " + identityUri.getAuthority() + ": "
                        + what,
                cause);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    @Override
    public String toString() {
        return "GoogleIdentityToken[audience=" + audience + ", metadata=" + identityUri.getAuthority() + "]";
    }

    /** The header value; its {@code toString} leaves the token out. */
    private record Cached(String header, Instant refreshAt) {
        @Override
        public String toString() {
            return "Cached[refreshAt=" + refreshAt + "]";
        }
    }

    /** Assembles a {@link GoogleIdentityToken}; each option states its default. */
    public static final class Builder {
        private final String audience;
        private String metadataHost = DEFAULT_METADATA_HOST;
        private Clock clock = Clock.systemUTC();
        private Duration refreshBefore = Duration.ofMinutes(5);
        private Duration timeout = Duration.ofSeconds(2);

        private Builder(String audience) {
            Objects.requireNonNull(audience, "audience");
            if (audience.isBlank()) {
                throw new IllegalArgumentException("audience must not be blank");
            }
            this.audience = audience;
        }

        /**
         * The metadata server's {@code host[:port]}; default {@value #DEFAULT_METADATA_HOST}, or what
         * {@code GCE_METADATA_HOST} names when given {@link System#getenv()} through {@link #environment}.
         */
        public Builder metadataHost(String metadataHost) {
            Objects.requireNonNull(metadataHost, "metadataHost");
            if (metadataHost.isBlank() || metadataHost.contains("/")) {
                throw new IllegalArgumentException("metadataHost must be host[:port], got '" + metadataHost + "'");
            }
            this.metadataHost = metadataHost;
            return this;
        }

        /** Takes the metadata host from {@code GCE_METADATA_HOST} in {@code env} when it is set there. */
        public Builder environment(Map<String, String> env) {
            String host = env.get(METADATA_HOST_VARIABLE);
            return host == null || host.isBlank() ? this : metadataHost(host.strip());
        }

        /** The clock that decides when a token is due for refresh; default the system's UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long before its {@code exp} a token is fetched again; default 5 minutes (tokens last an hour). */
        public Builder refreshBefore(Duration refreshBefore) {
            if (refreshBefore.isNegative()) {
                throw new IllegalArgumentException("refreshBefore must not be negative, got " + refreshBefore);
            }
            this.refreshBefore = refreshBefore;
            return this;
        }

        /** How long a fetch from the metadata server may take; default 2 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public GoogleIdentityToken build() {
            return new GoogleIdentityToken(this);
        }
    }
}
