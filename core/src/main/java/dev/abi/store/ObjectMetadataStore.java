package dev.abi.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The default {@link MetadataStore}, kept in the object store itself: the lease of {@link ObjectStoreLease},
 * idempotency records under {@code idempotency/{key}.json} (an in-progress marker created if absent, then the
 * result, each with an expiry; expired ones are collected by {@link #collectExpiredIdempotencyRecords}), and no head
 * hints (the newest manifest is the floor).
 */
public final class ObjectMetadataStore implements MetadataStore {

    private static final String PREFIX = "idempotency/";

    private final ObjectStore objects;
    private final Clock clock;
    private final ObjectStoreLease lease;

    public ObjectMetadataStore(ObjectStore objects, Clock clock) {
        this.objects = objects;
        this.clock = clock;
        this.lease = new ObjectStoreLease(objects, clock);
    }

    @Override
    public OptionalLong tryAcquire(String namespaceRoot, String owner, Duration ttl, long minEpoch) {
        return lease.tryAcquire(namespaceRoot, owner, ttl, minEpoch);
    }

    @Override
    public void release(String namespaceRoot, String owner, long epoch) {
        lease.release(namespaceRoot, owner, epoch);
    }

    @Override
    public OptionalLong headHint(String namespaceRoot) {
        return OptionalLong.empty();
    }

    @Override
    public void advanceHeadHint(String namespaceRoot, long seq) {
        // the newest manifest already bounds the search for the head
    }

    @Override
    public Optional<byte[]> idempotentResult(String key) {
        IdempotencyClaim found = read(keyOf(key));
        return found != null && found.state() == IdempotencyClaim.State.COMPLETED
                ? Optional.of(found.result())
                : Optional.empty();
    }

    /** The live record under {@code k}, or null when there is none or it expired. */
    private IdempotencyClaim read(String k) {
        return objects.get(k).map(o -> live(k, o.bytes())).orElse(null);
    }

    /** The record in {@code bytes}, or null when it expired. */
    private IdempotencyClaim live(String k, byte[] bytes) {
        JsonNode n = Checksums.openJson(k, bytes);
        if (n.path("expiresAt").asLong() < clock.millis()) {
            return null;
        }
        return n.has("result")
                ? IdempotencyClaim.completed(
                        Base64.getDecoder().decode(n.path("result").asText()))
                : IdempotencyClaim.inProgress();
    }

    @Override
    public IdempotencyClaim claimIdempotencyKey(String key, Duration claimTtl) {
        String k = keyOf(key);
        byte[] marker = Checksums.sealJson(
                Checksums.newJson().put("state", "in-progress").put("expiresAt", clock.millis() + claimTtl.toMillis()));
        for (int attempt = 0; attempt < 8; attempt++) {
            Optional<StoredObject> existing = objects.get(k);
            try {
                if (existing.isEmpty()) {
                    objects.putIfAbsent(k, marker);
                    return IdempotencyClaim.claimed();
                }
                IdempotencyClaim found = live(k, existing.get().bytes());
                if (found != null) {
                    return found;
                }
                objects.putIfMatch(k, marker, existing.get().etag());
                return IdempotencyClaim.claimed();
            } catch (PreconditionFailedException raced) {
                // another attempt wrote first: read what it wrote
            }
        }
        return IdempotencyClaim.inProgress();
    }

    @Override
    public void recordIdempotentResult(String key, byte[] result, Duration ttl) {
        String k = keyOf(key);
        byte[] json = Checksums.sealJson(Checksums.newJson()
                .put("state", "completed")
                .put("result", Base64.getEncoder().encodeToString(result))
                .put("expiresAt", clock.millis() + ttl.toMillis()));
        for (int attempt = 0; attempt < 8; attempt++) {
            Optional<StoredObject> current = objects.get(k);
            try {
                if (current.isEmpty()) {
                    objects.putIfAbsent(k, json);
                } else if (live(k, current.get().bytes()) instanceof IdempotencyClaim c
                        && c.state() == IdempotencyClaim.State.COMPLETED) {
                    return; // another attempt finished first: its outcome stands
                } else {
                    objects.putIfMatch(k, json, current.get().etag());
                }
                return;
            } catch (PreconditionFailedException raced) {
                // read again
            }
        }
    }

    @Override
    public void releaseIdempotencyKey(String key) {
        objects.delete(keyOf(key));
    }

    @Override
    public int collectExpiredIdempotencyRecords() {
        int deleted = 0;
        long now = clock.millis();
        for (ObjectInfo info : objects.list(PREFIX)) {
            Optional<StoredObject> o = objects.get(info.key());
            if (o.isEmpty()) {
                continue;
            }
            long expiresAt;
            try {
                expiresAt = Checksums.openJson(info.key(), o.get().bytes())
                        .path("expiresAt")
                        .asLong();
            } catch (CorruptObjectException unreadable) {
                expiresAt = 0; // a record that cannot be read can never be replayed
            }
            if (expiresAt < now) {
                objects.delete(info.key());
                deleted++;
            }
        }
        return deleted;
    }

    private static String keyOf(String key) {
        return PREFIX + ObjectKeys.etagOf(key.getBytes(StandardCharsets.UTF_8)) + ".json";
    }
}
