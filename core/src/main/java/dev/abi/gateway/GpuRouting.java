package dev.abi.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.documents.RemoteEmbedder;
import dev.abi.resilience.CircuitBreaker;
import dev.abi.telemetry.RequestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
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
 *
 * <p>It also embeds the chunks of large document ingests ({@link #embed}) on the service's {@code /v1/embeddings}
 * when a request has at least {@code minDocuments} of them, behind the same breaker, and only with the model the CPU
 * would use: the request names it, and an answer from another model is refused (the CPU embeds then).
 *
 * <p>Every request carries the {@code Authorization} header its {@link GpuCredentials} give (none by default; a
 * Google identity token for a private Cloud Run service). A credential that cannot be had fails that request like an
 * unreachable service: the breaker counts it and the CPU answers.
 */
public final class GpuRouting implements RemoteEmbedder {

    /** The header that says which device answered a query: {@code gpu} or {@code cpu}. */
    public static final String DEVICE_HEADER = "X-Abi-Device";

    /** Most inputs the service takes in one {@code /v1/embeddings} request; larger ingests are sent in slices. */
    static final int MAX_EMBED_INPUTS = 256;

    private static final System.Logger LOG = System.getLogger(GpuRouting.class.getName());

    private final URI base;
    private final long minWork;
    private final int minDocuments;
    private final Duration timeout;
    private final CircuitBreaker breaker;
    private final HttpClient http;
    private final GpuCredentials credentials;

    private GpuRouting(Builder b) {
        this.base = b.base;
        this.minWork = b.minWork;
        this.minDocuments = b.minDocuments;
        this.timeout = b.timeout;
        this.breaker = b.breaker;
        this.credentials = b.credentials;
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
        byte[] body = post("/v1/namespaces/" + namespace + "/query", request.body(), request.header("x-request-id"));
        return new HttpResponse(200, Map.of("Content-Type", HttpResponse.JSON, DEVICE_HEADER, "gpu"), body);
    }

    /**
     * The vectors of {@code texts} from the service's {@code /v1/embeddings} when there are at least
     * {@code minDocuments} of them, the service runs {@code model} and answers them all; otherwise empty, and the
     * caller embeds on the CPU. Large ingests go in slices of {@value #MAX_EMBED_INPUTS}; a failure of any slice
     * sends the whole ingest to the CPU, so one ingest is embedded by one device.
     */
    @Override
    public Optional<float[][]> embed(String model, int dimension, List<String> texts) {
        if (texts.size() < minDocuments) {
            return Optional.empty();
        }
        try {
            // open breaker, 5xx, timeout, refused connection or a malformed answer: the CPU embeds
            Optional<float[][]> vectors = Optional.ofNullable(embedAll(model, dimension, texts));
            LOG.log(
                    System.Logger.Level.DEBUG,
                    () -> texts.size() + " chunks embedded on the " + (vectors.isPresent() ? "GPU" : "CPU"));
            return vectors;
        } catch (RuntimeException notServed) {
            // a 4xx (a model the service does not run, say) or another model's answer: not the service's fault
            LOG.log(
                    System.Logger.Level.WARNING,
                    "GPU service did not embed " + texts.size() + " chunks with " + model + ": "
                            + notServed.getMessage() + "; embedding on the CPU");
            return Optional.empty();
        }
    }

    /**
     * Every slice through the breaker on its own, so one breaker call is one request bounded by the timeout: a long
     * ingest never counts as one slow call against the breaker that queries share. Null at the first slice the
     * breaker does not let through or the service fails.
     */
    private float[][] embedAll(String model, int dimension, List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += MAX_EMBED_INPUTS) {
            int at = from;
            if (breaker.call(() -> embedSlice(model, dimension, texts, at, out), failure -> null) == null) {
                return null;
            }
        }
        return out;
    }

    /** Embeds the slice of {@code texts} that starts at {@code from} into {@code out}; true when done. */
    private Boolean embedSlice(String model, int dimension, List<String> texts, int from, float[][] out) {
        List<String> slice = texts.subList(from, Math.min(texts.size(), from + MAX_EMBED_INPUTS));
        JsonNode answer = parse(post("/v1/embeddings", embeddingsRequest(model, slice), null));
        String served = answer.path("model").asText(null);
        if (!model.equals(served)) {
            throw new IllegalStateException(
                    "the GPU service runs model '" + served + "', not '" + model + "'; routing refused");
        }
        JsonNode data = answer.path("data");
        if (!data.isArray() || data.size() != slice.size()) {
            throw new GpuServiceException(
                    "GPU service answered " + data.size() + " embeddings for " + slice.size() + " inputs", null);
        }
        for (JsonNode d : data) {
            int index = d.path("index").asInt(-1);
            JsonNode e = d.path("embedding");
            if (index < 0
                    || index >= slice.size()
                    || out[from + index] != null
                    || !e.isArray()
                    || e.size() != dimension) {
                throw new GpuServiceException(
                        "GPU service answered a malformed embedding (index " + index + ", " + e.size()
                                + " dimensions, expected " + dimension + ")",
                        null);
            }
            float[] v = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                JsonNode x = e.get(i);
                v[i] = x != null && x.isNumber() ? x.floatValue() : Float.NaN;
                if (!Float.isFinite(v[i])) {
                    throw new GpuServiceException(
                            "GPU service answered a non-numeric or non-finite value at embedding " + index
                                    + ", dimension " + i,
                            null);
                }
            }
            out[from + index] = v;
        }
        return Boolean.TRUE;
    }

    private static byte[] embeddingsRequest(String model, List<String> texts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 64 * texts.size());
        try (JsonGenerator g = JsonBodies.MAPPER.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("input");
            for (String t : texts) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JsonBodies.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new GpuServiceException("GPU service answered malformed JSON: " + e.getMessage(), e);
        }
    }

    /** POSTs JSON to the service: the body of its 200, or a failure the breaker counts (5xx, I/O) or not (4xx). */
    private byte[] post(String path, byte[] json, String callerRequestId) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Content-Type", HttpResponse.JSON)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(json));
        String requestId = RequestContext.currentId() != null ? RequestContext.currentId() : callerRequestId;
        if (requestId != null) {
            b.header("X-Request-Id", requestId);
        }
        authorize(b);
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
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            // the service refuses this caller (no invoker role, a wrong audience): every routed call would be refused,
            // so the breaker counts it and opens. The body is not kept: a refusal page may echo the credential.
            String refused = "GPU service refused the call (" + r.statusCode() + "): check the caller's invoker role "
                    + "and abi.gpu.auth/abi.gpu.audience; answering on the CPU";
            LOG.log(System.Logger.Level.WARNING, refused);
            throw new GpuServiceException(refused, null);
        }
        if (r.statusCode() != 200) {
            // the problem body says why (another model, a namespace it cannot read): kept for the log
            String detail = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
            throw new IllegalStateException("GPU service answered " + r.statusCode() + ": "
                    + (detail.length() <= 300 ? detail : detail.substring(0, 297) + "..."));
        }
        return r.body();
    }

    /**
     * Sets the request's {@code Authorization} header from the credentials, if they give one. A failure to get it is
     * the routing's failure (the breaker counts it, the CPU answers); neither the log nor the message holds the
     * credential.
     */
    private void authorize(java.net.http.HttpRequest.Builder b) {
        Optional<String> authorization;
        try {
            authorization = credentials.authorization();
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "no credential for the GPU service (" + e.getMessage() + "); answering on the CPU");
            throw new GpuServiceException("no credential for the GPU service: " + e.getMessage(), e);
        }
        if (authorization == null || authorization.isEmpty()) {
            return;
        }
        try {
            b.header("Authorization", authorization.get());
        } catch (IllegalArgumentException invalid) {
            // the JDK's message names the header, not its value; the value is not repeated here either
            throw new GpuServiceException("the GPU service credential is not a valid Authorization header value", null);
        }
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
        private int minDocuments = 256;
        private Duration timeout = Duration.ofSeconds(2);
        private GpuCredentials credentials = GpuCredentials.NONE;

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

        /** Chunks in one document ingest from which they are embedded on the GPU; default 256. */
        public Builder minDocuments(int minDocuments) {
            if (minDocuments < 1) {
                throw new IllegalArgumentException("minDocuments must be at least 1, got " + minDocuments);
            }
            this.minDocuments = minDocuments;
            return this;
        }

        /** How long a GPU answer may take before the CPU answers instead; default 2 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Where each request's {@code Authorization} header comes from; default {@link GpuCredentials#NONE} (no
         * header).
         */
        public Builder credentials(GpuCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        public GpuRouting build() {
            return new GpuRouting(this);
        }
    }
}
