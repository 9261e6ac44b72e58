package dev.abi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.IntConsumer;

/**
 * A client of the public HTTP API ({@code ../shared/API.md}): sends JSON with {@code Authorization: Bearer} when a key
 * is set, and retries 429 and 503 (and a connection that fails, and a 409 for an {@code Idempotency-Key} whose first
 * request is still running) up to {@code maxAttempts} times, waiting what
 * {@code Retry-After} says or else an exponential backoff, each wait capped at {@code maxWait}. The API key is never
 * part of any message it produces.
 */
public final class ApiClient {

    /** One reply. */
    public record Response(int status, byte[] body, HttpHeaders headers) {

        /** The body as JSON; an empty body gives a missing node. */
        public JsonNode json() {
            if (body.length == 0) {
                return Json.MAPPER.missingNode();
            }
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new CliException("the server answered " + status + " with a body that is not JSON: "
                        + abbreviate(new String(body, StandardCharsets.UTF_8)));
            }
        }

        /** A header's first value, if present. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration baseWait;
    private final Duration maxWait;
    private final Sleeper sleeper;
    private IntConsumer onRetry = status -> {};

    public ApiClient(
            URI base,
            String apiKey,
            Duration timeout,
            int maxAttempts,
            Duration baseWait,
            Duration maxWait,
            Sleeper sleeper) {
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.timeout = timeout;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.baseWait = baseWait;
        this.maxWait = maxWait;
        this.sleeper = sleeper;
    }

    /** Called with the status (0 for a failed connection) of every reply that is retried. */
    public ApiClient onRetry(IntConsumer listener) {
        this.onRetry = listener;
        return this;
    }

    /** The server's base URL. */
    public URI base() {
        return base;
    }

    /** Sends a request, retrying 429, 503 and failed connections; returns the last reply whatever its status. */
    public Response send(String method, String path, byte[] body, Map<String, String> headers) {
        for (int attempt = 1; ; attempt++) {
            Response r;
            try {
                r = once(method, path, body, headers);
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw new CliException("cannot reach " + base + " (" + method + " " + path + "): " + describe(e)
                            + (attempt > 1 ? " after " + attempt + " attempts" : ""));
                }
                onRetry.accept(0);
                pause(backoff(attempt));
                continue;
            }
            if ((r.status() == 429 || r.status() == 503 || inProgress(r)) && attempt < maxAttempts) {
                onRetry.accept(r.status());
                pause(wait(r, attempt));
                continue;
            }
            return r;
        }
    }

    /**
     * A 409 saying that the first request with this {@code Idempotency-Key} is still running (a re-run right after
     * Ctrl-C can meet it): worth asking again, it will be replayed once that request finishes.
     */
    static boolean inProgress(Response r) {
        if (r.status() != 409) {
            return false;
        }
        String body = new String(r.body(), StandardCharsets.UTF_8);
        return body.contains("idempotency-conflict") && body.contains("still in progress");
    }

    /** Sends a request and returns its JSON reply when the status is one of {@code ok}; else fails naming why. */
    public JsonNode expect(String method, String path, Object body, int... ok) {
        Response r = send(method, path, body == null ? null : Json.bytes(body), Map.of());
        for (int s : ok) {
            if (r.status() == s) {
                return r.json();
            }
        }
        throw failure(method, path, r);
    }

    /** The exception for an unexpected reply: status, the problem's title and detail, and its request id. */
    public static ApiException failure(String method, String path, Response r) {
        return new ApiException(r.status(), method + " " + path + " answered " + r.status() + ": " + explain(r));
    }

    /** The server's explanation of a reply: a problem's detail (or an OpenAI error's message) and its request id. */
    public static String explain(Response r) {
        String text = new String(r.body(), StandardCharsets.UTF_8);
        String requestId = r.header("X-Request-Id");
        try {
            JsonNode n = Json.MAPPER.readTree(r.body());
            if (n != null && n.isObject()) {
                JsonNode err = n.path("error");
                String detail = n.hasNonNull("detail")
                        ? n.get("detail").asText()
                        : n.hasNonNull("title")
                                ? n.get("title").asText()
                                : err.hasNonNull("message") ? err.get("message").asText() : abbreviate(text);
                if (n.hasNonNull("requestId")) {
                    requestId = n.get("requestId").asText();
                }
                return detail + (requestId != null ? " (request id " + requestId + ")" : "");
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        return (text.isBlank() ? "(empty body)" : abbreviate(text))
                + (requestId != null ? " (request id " + requestId + ")" : "");
    }

    private Response once(String method, String path, byte[] body, Map<String, String> headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Accept", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** What {@code Retry-After} asks for (seconds), else the backoff; never more than {@code maxWait}. */
    Duration wait(Response r, int attempt) {
        OptionalLong seconds = retryAfterSeconds(r.header("Retry-After"));
        Duration d = seconds.isPresent() ? Duration.ofSeconds(seconds.getAsLong()) : backoff(attempt);
        return d.compareTo(maxWait) > 0 ? maxWait : d;
    }

    /** {@code baseWait} doubled per attempt, capped at {@code maxWait}. */
    Duration backoff(int attempt) {
        long millis = baseWait.toMillis() << Math.min(20, attempt - 1);
        return Duration.ofMillis(Math.min(millis, maxWait.toMillis()));
    }

    /** The delay-seconds form of {@code Retry-After}; the HTTP-date form and garbage give none (so: backoff). */
    static OptionalLong retryAfterSeconds(String header) {
        if (header == null) {
            return OptionalLong.empty();
        }
        try {
            long s = Long.parseLong(header.trim());
            return s < 0 ? OptionalLong.empty() : OptionalLong.of(s);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
