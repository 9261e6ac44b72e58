package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.gateway.auth.Role;
import dev.abi.store.IdempotencyClaim;
import dev.abi.store.MetadataStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on the mutating routes (those that need the {@code write} or {@code admin} role; on reads,
 * queries and inference the header is ignored). A key is scoped by the caller's principal, the method and the path,
 * so two callers never see each other's replies. Before the request runs, the key is claimed with a conditional
 * write: a concurrent retry finds it in progress and gets 409, so the request applies once. The first successful
 * reply is then recorded for 24 hours with a hash of the request body; a retry with the same key and body gets it
 * again, marked {@code Idempotent-Replayed: true}; the same key with another body is refused with 422. A failed
 * request releases its claim, so a retry runs it.
 *
 * <p>Never recorded: a reply that carries a secret (a new API key: its retry answers 409 naming the key id, whose
 * secret was shown once), a reply over {@link #MAX_RECORDED_BYTES} (its retry answers 409 too) and a stream. Expired
 * records are collected at most once an hour, on stores that do not expire them by themselves.
 */
final class IdempotentRequests {

    static final Duration TTL = Duration.ofHours(24);
    /** How long an unfinished claim blocks retries; a request that dies holding it stops blocking after this. */
    static final Duration CLAIM_TTL = Duration.ofMinutes(5);

    static final int MAX_RECORDED_BYTES = 64 * 1024;
    static final Duration SWEEP_EVERY = Duration.ofHours(1);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final MetadataStore store;
    private final Clock clock;
    private long lastSweep = Long.MIN_VALUE;

    IdempotentRequests(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Whether the request asks for idempotency on a route where it means something: a mutating one. */
    static boolean applies(HttpRequest request, Router.Match match) {
        return request.header("idempotency-key") != null
                && !request.method().equals("GET")
                && match.role() != null
                && match.role().includes(Role.WRITE);
    }

    HttpResponse handle(HttpRequest request, String principal, Router.Match match, Supplier<HttpResponse> apply) {
        String key = request.header("idempotency-key");
        if (!KEY.matcher(key).matches()) {
            throw new ValidationException("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
        }
        String scoped = sha256((principal + "\n" + request.method() + "\n" + request.path() + "\n" + key)
                .getBytes(StandardCharsets.UTF_8));
        String bodyHash = sha256(request.body());
        sweepIfDue();
        IdempotencyClaim claim = store.claimIdempotencyKey(scoped, CLAIM_TTL);
        switch (claim.state()) {
            case COMPLETED:
                return replay(claim.result(), bodyHash);
            case IN_PROGRESS:
                throw new IdempotencyConflictException("a request with this Idempotency-Key is still in progress;"
                        + " retry after it finishes (an abandoned one stops blocking after "
                        + CLAIM_TTL.toMinutes() + " minutes)");
            default:
                break;
        }
        HttpResponse response;
        try {
            response = apply.get();
        } catch (RuntimeException | Error e) {
            store.releaseIdempotencyKey(scoped);
            throw e;
        }
        if (response.status() < 200 || response.status() >= 300 || response.stream() != null) {
            store.releaseIdempotencyKey(scoped);
            return response;
        }
        store.recordIdempotentResult(scoped, encode(response, bodyHash, match.pattern()), TTL);
        return response;
    }

    private synchronized void sweepIfDue() {
        long now = clock.millis();
        if (lastSweep != Long.MIN_VALUE && now - lastSweep < SWEEP_EVERY.toMillis()) {
            return;
        }
        lastSweep = now;
        try {
            store.collectExpiredIdempotencyRecords();
        } catch (RuntimeException e) {
            System.getLogger(IdempotentRequests.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "collecting expired idempotency records failed; the next sweep retries: " + e.getMessage());
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(HttpResponse r, String bodyHash, String route) {
        ObjectNode n =
                JsonBodies.MAPPER.createObjectNode().put("status", r.status()).put("bodySha256", bodyHash);
        String notReplayable = null;
        if (AdminApi.CREATE_KEY_ROUTE.equals(route)) {
            notReplayable = AdminApi.replayNotice(r.body());
        } else if (r.body().length > MAX_RECORDED_BYTES) {
            notReplayable = "the reply to the first request with this Idempotency-Key (status " + r.status() + ", "
                    + r.body().length + " bytes) was too large to record; it was applied once, read the result back"
                    + " instead of retrying";
        }
        if (notReplayable != null) {
            n.put("notReplayable", notReplayable);
        } else {
            n.put("body", Base64.getEncoder().encodeToString(r.body()));
            ObjectNode headers = n.putObject("headers");
            r.headers().forEach(headers::put);
        }
        try {
            return JsonBodies.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse replay(byte[] bytes, String bodyHash) {
        JsonNode n;
        try {
            n = JsonBodies.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("recorded idempotent response is unreadable", e);
        }
        if (n.has("bodySha256") && !n.get("bodySha256").asText().equals(bodyHash)) {
            throw new IdempotencyMismatchException("this Idempotency-Key was already used with a different request"
                    + " body; use a new key for a new request");
        }
        if (n.has("notReplayable")) {
            throw new IdempotencyConflictException(n.get("notReplayable").asText());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        n.path("headers")
                .fields()
                .forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        headers.put("Idempotent-Replayed", "true");
        return new HttpResponse(
                n.path("status").asInt(),
                headers,
                Base64.getDecoder().decode(n.path("body").asText()));
    }
}
