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
 * and a retry with the same key gets that response again, marked {@code Idempotent-Replayed: true}, without being
 * applied a second time. Retries that race the first attempt may both apply; the writes are idempotent, so the
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
        var recorded = store.idempotentResult(scoped);
        if (recorded.isPresent()) {
            return decode(recorded.get());
        }
        HttpResponse response = apply.get();
        if (response.status() >= 200 && response.status() < 300) {
            store.recordIdempotentResult(scoped, encode(response), TTL);
        }
        return response;
    }

    private static byte[] encode(HttpResponse r) {
        ObjectNode n = JsonBodies.MAPPER.createObjectNode().put("status", r.status())
                .put("body", Base64.getEncoder().encodeToString(r.body()));
        ObjectNode headers = n.putObject("headers");
        r.headers().forEach(headers::put);
        try {
            return JsonBodies.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse decode(byte[] bytes) {
        try {
            JsonNode n = JsonBodies.MAPPER.readTree(bytes);
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
