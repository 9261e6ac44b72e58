package dev.abi.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectStore;
import dev.abi.store.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * API keys, kept in the object store under {@code auth/keys/{id}.json} as salted hashes: the key itself is shown once,
 * when it is created, and never stored or logged. A key reads {@code abi_{id}_{secret}}: the id (12 hex characters)
 * finds the record, and the secret (32 random bytes, base64url) must hash to the stored HMAC-SHA256 under the record's
 * salt. Records are cached per instance for {@link #CACHE_MILLIS}, so a revocation reaches every instance within that
 * time.
 */
public final class ApiKeys {

    /** How long an instance trusts its cached copy of a key record. */
    public static final long CACHE_MILLIS = 30_000;

    private static final String PREFIX = "auth/keys/";
    private static final int MAX_CACHED = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A stored key, without its secret. */
    public record KeyInfo(String id, String name, List<Grant> grants, long createdAt, Long revokedAt) {}

    /** A new key: its info and the one-time secret string the caller must keep. */
    public record Created(KeyInfo info, String key) {}

    private record Cached(Optional<JsonNode> record, long fetchedAt) {}

    private final ObjectStore store;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeys(ObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Creates a key with these grants; the returned key string is the only copy of its secret. */
    public Created create(String name, List<Grant> grants) {
        byte[] idBytes = new byte[6];
        RANDOM.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        long now = clock.millis();
        ObjectNode n = JSON.createObjectNode()
                .put("id", id)
                .put("name", name)
                .put("salt", Base64.getEncoder().encodeToString(salt))
                .put("hash", Base64.getEncoder().encodeToString(hash(salt, secret)))
                .put("createdAt", now);
        grants.forEach(g -> n.withArray("grants").add(g.toString()));
        try {
            store.putIfAbsent(PREFIX + id + ".json", JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Created(info(n), "abi_" + id + "_" + secret);
    }

    /** Revokes a key; false when no key has this id. Other instances stop accepting it within the cache time. */
    public boolean revoke(String id) {
        String key = PREFIX + id + ".json";
        Optional<StoredObject> current = store.get(key);
        if (current.isEmpty()) {
            return false;
        }
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(current.get().bytes());
            if (!n.has("revokedAt")) {
                n.put("revokedAt", clock.millis());
                store.putIfMatch(key, JSON.writeValueAsBytes(n), current.get().etag());
            }
        } catch (IOException e) {
            throw new IllegalStateException("key record " + key + " is unreadable", e);
        }
        cache.remove(id);
        return true;
    }

    public List<KeyInfo> list() {
        List<KeyInfo> out = new ArrayList<>();
        for (ObjectInfo o : store.list(PREFIX)) {
            store.get(o.key()).ifPresent(obj -> {
                try {
                    out.add(info(JSON.readTree(obj.bytes())));
                } catch (IOException unreadable) {
                    // skipped: not a key record
                }
            });
        }
        return out;
    }

    /**
     * The principal of a presented key.
     *
     * @throws UnauthenticatedException when it is malformed, unknown, revoked or wrong
     */
    public Principal verify(String presented) {
        String[] parts = presented.split("_", 3);
        if (parts.length != 3 || !parts[0].equals("abi") || !parts[1].matches("[0-9a-f]{12}")) {
            throw new UnauthenticatedException("the API key is malformed");
        }
        JsonNode record = record(parts[1]).orElseThrow(() -> new UnauthenticatedException("unknown API key"));
        if (record.has("revokedAt")) {
            throw new UnauthenticatedException("the API key has been revoked");
        }
        byte[] salt = Base64.getDecoder().decode(record.get("salt").asText());
        byte[] want = Base64.getDecoder().decode(record.get("hash").asText());
        if (!MessageDigest.isEqual(want, hash(salt, parts[2]))) {
            throw new UnauthenticatedException("the API key is wrong");
        }
        KeyInfo info = info(record);
        return new Principal("key:" + info.id(), "api-key", info.grants());
    }

    private Optional<JsonNode> record(String id) {
        long now = clock.millis();
        Cached c = cache.get(id);
        if (c != null && now - c.fetchedAt() < CACHE_MILLIS) {
            return c.record();
        }
        Optional<JsonNode> fresh = store.get(PREFIX + id + ".json").map(o -> {
            try {
                return JSON.readTree(o.bytes());
            } catch (IOException e) {
                throw new IllegalStateException("key record of " + id + " is unreadable", e);
            }
        });
        if (cache.size() >= MAX_CACHED) {
            cache.clear(); // random unknown ids must not grow the cache without bound
        }
        cache.put(id, new Cached(fresh, now));
        return fresh;
    }

    private static KeyInfo info(JsonNode n) {
        List<Grant> grants = new ArrayList<>();
        n.path("grants").forEach(g -> grants.add(Grant.parse(g.asText())));
        return new KeyInfo(
                n.get("id").asText(),
                n.path("name").asText(""),
                grants,
                n.path("createdAt").asLong(),
                n.has("revokedAt") ? n.get("revokedAt").asLong() : null);
    }

    static byte[] hash(byte[] salt, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
