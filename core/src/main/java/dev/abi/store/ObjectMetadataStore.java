package dev.abi.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The default {@link MetadataStore}, kept in the object store itself: the lease of {@link ObjectStoreLease},
 * idempotency records under {@code idempotency/{key}.json} (created if absent, with an expiry), and no head hints
 * (the newest manifest is the floor).
 */
public final class ObjectMetadataStore implements MetadataStore {

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
        String k = keyOf(key);
        return objects.get(k).flatMap(o -> {
            JsonNode n = Checksums.openJson(k, o.bytes());
            if (n.path("expiresAt").asLong() < clock.millis()) {
                return Optional.empty();
            }
            return Optional.of(Base64.getDecoder().decode(n.path("result").asText()));
        });
    }

    @Override
    public void recordIdempotentResult(String key, byte[] result, Duration ttl) {
        String k = keyOf(key);
        byte[] json = Checksums.sealJson(Checksums.newJson()
                .put("result", Base64.getEncoder().encodeToString(result))
                .put("expiresAt", clock.millis() + ttl.toMillis()));
        try {
            objects.putIfAbsent(k, json);
        } catch (PreconditionFailedException exists) {
            objects.get(k).ifPresent(o -> {
                if (Checksums.openJson(k, o.bytes()).path("expiresAt").asLong() < clock.millis()) {
                    try {
                        objects.putIfMatch(k, json, o.etag());
                    } catch (PreconditionFailedException raced) {
                        // another retry recorded first: keep theirs
                    }
                }
            });
        }
    }

    private static String keyOf(String key) {
        return "idempotency/" + ObjectKeys.etagOf(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".json";
    }
}
