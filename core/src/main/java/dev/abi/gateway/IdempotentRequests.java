package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.store.MetadataStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on writes: the first successful response to a (method, path, key) is recorded for 24 hours,
 * with a hash of the request body, and a retry with the same key and body gets that response again, marked
 * {@code Idempotent-Replayed: true}, without being applied a second time; the same key with a different body is
 * refused with 422. Retries that race the first attempt may both apply; the writes are idempotent, so the
 * vectors end the same and only the version count differs.
 */
final class IdempotentRequests {

    static final Duration TTL = Duration.ofHours(24);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final MetadataStore store;

    IdempotentRequests(MetadataStore store) {
        this.store = store;
    }

    boolean applies(HttpRequest request) {
        return request.header("idempotency-key") != null && !request.method().equals("GET");
    }

    HttpResponse handle(HttpRequest request, Supplier<HttpResponse> apply) {
        String key = request.header("idempotency-key");
        if (!KEY.matcher(key).matches()) {
            throw new ValidationException("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
        }
        String scoped = request.method() + " " + request.path() + " " + key;
        String bodyHash = sha256(request.body());
        var recorded = store.idempotentResult(scoped);
        if (recorded.isPresent()) {
            return decode(recorded.get(), bodyHash);
        }
        HttpResponse response = apply.get();
        if (response.status() >= 200 && response.status() < 300) {
            store.recordIdempotentResult(scoped, encode(response, bodyHash), TTL);
        }
        return response;
    }

    private static String sha256(byte[] body) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(HttpResponse r, String bodyHash) {
        ObjectNode n = JsonBodies.MAPPER.createObjectNode().put("status", r.status()).put("bodySha256", bodyHash)
                .put("body", Base64.getEncoder().encodeToString(r.body()));
        ObjectNode headers = n.putObject("headers");
        r.headers().forEach(headers::put);
        try {
            return JsonBodies.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse decode(byte[] bytes, String bodyHash) {
        try {
            JsonNode n = JsonBodies.MAPPER.readTree(bytes);
            if (n.has("bodySha256") && !n.get("bodySha256").asText().equals(bodyHash)) {
                throw new IdempotencyMismatchException("this Idempotency-Key was already used with a different request"
                        + " body; use a new key for a new request");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            n.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
            headers.put("Idempotent-Replayed", "true");
            return new HttpResponse(n.path("status").asInt(), headers,
                    Base64.getDecoder().decode(n.path("body").asText()));
        } catch (IOException e) {
            throw new IllegalStateException("recorded idempotent response is unreadable", e);
        }
    }
}
