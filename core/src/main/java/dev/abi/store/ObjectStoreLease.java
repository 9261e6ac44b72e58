package dev.abi.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An {@link IndexerLease} kept in the object store itself: {@code {root}lease.json}, created if absent and then
 * swapped with compare-and-swap on its etag. The default where no metadata store is configured.
 */
public final class ObjectStoreLease implements IndexerLease {

    private final ObjectStore objects;
    private final Clock clock;

    public ObjectStoreLease(ObjectStore objects, Clock clock) {
        this.objects = objects;
        this.clock = clock;
    }

    @Override
    public OptionalLong tryAcquire(String root, String owner, Duration ttl, long minEpoch) {
        String key = root + "lease.json";
        long now = clock.millis();
        try {
            Optional<StoredObject> current = objects.get(key);
            if (current.isEmpty()) {
                long first = Math.max(1, minEpoch);
                objects.putIfAbsent(key, json(owner, first, now + ttl.toMillis()));
                return OptionalLong.of(first);
            }
            JsonNode n = Checksums.openJson(key, current.get().bytes());
            long epoch = n.required("epoch").asLong();
            boolean ours = owner.equals(n.required("owner").asText());
            if (!ours && n.required("expiresAt").asLong() > now) {
                return OptionalLong.empty();
            }
            // Keep our epoch only if no newer one has committed since; otherwise take a fresh, higher one.
            long next = ours && epoch >= minEpoch - 1 ? epoch : Math.max(epoch + 1, minEpoch);
            objects.putIfMatch(
                    key, json(owner, next, now + ttl.toMillis()), current.get().etag());
            return OptionalLong.of(next);
        } catch (PreconditionFailedException raced) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void release(String root, String owner, long epoch) {
        String key = root + "lease.json";
        objects.get(key).ifPresent(o -> {
            JsonNode n = Checksums.openJson(key, o.bytes());
            if (owner.equals(n.path("owner").asText()) && n.path("epoch").asLong() == epoch) {
                try {
                    objects.putIfMatch(key, json(owner, epoch, 0), o.etag());
                } catch (PreconditionFailedException raced) {
                    // someone else took it meanwhile: nothing to release
                }
            }
        });
    }

    private static byte[] json(String owner, long epoch, long expiresAt) {
        return Checksums.sealJson(
                Checksums.newJson().put("owner", owner).put("epoch", epoch).put("expiresAt", expiresAt));
    }
}
