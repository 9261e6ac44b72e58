package dev.abi.gateway;

import dev.abi.resilience.CircuitBreaker;
import dev.abi.telemetry.RequestContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sends large exact queries to the GPU service ({@code gpu-container}), which serves the same {@code /v1} query
 * route from vectors resident in GPU memory. A query goes there when its work (the namespace's rows times the
 * queries in the request) reaches {@code minWork}, it has no filter and no {@code asOf}, and the breaker lets it
 * through. Any other answer than a 200 (a 5xx, a 503 from a service without a GPU, a 404 for a namespace it cannot
 * see), a timeout or a refused connection gives an empty result and the caller answers on the CPU at once; only the
 * service's own faults (5xx, timeouts, I/O) count against the breaker. A request picks its device once.
 */
public final class GpuRouting {

    /** The header that says which device answered a query: {@code gpu} or {@code cpu}. */
    public static final String DEVICE_HEADER = "X-Abi-Device";

    private static final System.Logger LOG = System.getLogger(GpuRouting.class.getName());

    private final URI base;
    private final long minWork;
    private final Duration timeout;
    private final CircuitBreaker breaker;
    private final HttpClient http;

    private GpuRouting(Builder b) {
        this.base = b.base;
        this.minWork = b.minWork;
        this.timeout = b.timeout;
        this.breaker = b.breaker;
        this.http = HttpClient.newBuilder().connectTimeout(b.timeout).build();
    }

    /** Routing to the service at {@code base} (e.g. {@code https://gpu.internal:8090}) through {@code breaker}. */
    public static Builder builder(URI base, CircuitBreaker breaker) {
        return new Builder(base, breaker);
    }

    /** Whether a request of {@code queries} exact queries over {@code rows} rows goes to the GPU. */
    boolean worthIt(long rows, int queries) {
        if (rows <= 0 || queries <= 0) {
            return false;
        }
        // rows x queries, saturating: a product past Long.MAX_VALUE is past any threshold
        return rows > Long.MAX_VALUE / queries || rows * queries >= minWork;
    }

    /** The GPU service's answer to the query, or empty to answer on the CPU. */
    Optional<HttpResponse> query(String namespace, HttpRequest request) {
        try {
            // open breaker, 5xx, timeout or refused connection: the fallback's null sends the query to the CPU
            return Optional.ofNullable(breaker.call(() -> send(namespace, request), failure -> null));
        } catch (RuntimeException notServed) {
            // a 4xx of the service (it cannot see the namespace, say): the CPU answers, the breaker is not charged
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "GPU service did not answer a query on " + namespace + ": " + notServed.getMessage());
            return Optional.empty();
        }
    }

    private HttpResponse send(String namespace, HttpRequest request) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                        base.resolve("/v1/namespaces/" + namespace + "/query"))
                .timeout(timeout)
                .header("Content-Type", HttpResponse.JSON)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.body()));
        String requestId =
                RequestContext.currentId() != null ? RequestContext.currentId() : request.header("x-request-id");
        if (requestId != null) {
            b.header("X-Request-Id", requestId);
        }
        java.net.http.HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new GpuServiceException("GPU service timed out after " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new GpuServiceException("GPU service unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GpuServiceException("interrupted while waiting for the GPU service", e);
        }
        if (r.statusCode() >= 500) {
            throw new GpuServiceException("GPU service answered " + r.statusCode(), null);
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GPU service answered " + r.statusCode());
        }
        return new HttpResponse(200, Map.of("Content-Type", HttpResponse.JSON, DEVICE_HEADER, "gpu"), r.body());
    }

    /** Which failures are the service's fault, for its breaker. */
    public static boolean isFailure(Throwable t) {
        return t instanceof GpuServiceException || t instanceof Error;
    }

    /** The GPU service failed (5xx, timeout, unreachable): the breaker counts it. */
    static final class GpuServiceException extends RuntimeException {
        GpuServiceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Assembles a {@link GpuRouting}; each option states its default. */
    public static final class Builder {
        private final URI base;
        private final CircuitBreaker breaker;
        private long minWork = 1_000_000;
        private Duration timeout = Duration.ofSeconds(2);

        private Builder(URI base, CircuitBreaker breaker) {
            this.base = Objects.requireNonNull(base, "base");
            this.breaker = Objects.requireNonNull(breaker, "breaker");
        }

        /** Rows times queries from which a query goes to the GPU; default 1,000,000. */
        public Builder minWork(long minWork) {
            if (minWork < 1) {
                throw new IllegalArgumentException("minWork must be at least 1, got " + minWork);
            }
            this.minWork = minWork;
            return this;
        }

        /** How long a GPU answer may take before the CPU answers instead; default 2 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public GpuRouting build() {
            return new GpuRouting(this);
        }
    }
}
