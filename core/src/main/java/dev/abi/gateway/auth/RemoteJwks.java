package dev.abi.gateway.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The keys of a JWKS URL, fetched on first use and cached. They are fetched again when older than the cache TTL, or
 * when a token names a {@code kid} the cache lacks (the identity provider rotated), never more often than once per
 * minimum refresh interval. While fetches fail, the last keys stay in use up to the outage tolerance past their TTL;
 * after that, and before any fetch has succeeded, every token is refused. All times come from the given clock.
 * Symmetric ({@code oct}) keys in a published JWKS are ignored: a secret anyone can download signs nothing.
 */
final class RemoteJwks {

    /** The JWKS URL, known or to be found (OIDC discovery). */
    interface Location {
        URL resolve(ResourceRetriever http) throws IOException;
    }

    private record Snapshot(List<JWK> keys, long fetchedAt) {}

    private static final System.Logger LOG = System.getLogger(RemoteJwks.class.getName());

    private final Location location;
    private final ResourceRetriever http;
    private final JwksSettings settings;
    private final Clock clock;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile Snapshot current;
    private volatile long lastAttempt = Long.MIN_VALUE;

    RemoteJwks(Location location, JwksSettings settings, Clock clock) {
        this.location = location;
        this.settings = settings;
        this.clock = clock;
        this.http = new DefaultResourceRetriever(
                (int) settings.connectTimeout().toMillis(),
                (int) settings.readTimeout().toMillis(),
                settings.maxBytes());
    }

    /**
     * The keys with this {@code kid} (all keys when null), fetching first when the cache is empty or expired, or when
     * no cached key has it.
     *
     * @throws UnauthenticatedException when no keys can be had: never fetched, or stale beyond the outage tolerance
     */
    List<JWK> select(String kid) {
        long now = clock.millis();
        Snapshot s = current;
        if (s == null) {
            refresh(now, true);
        } else if (now - s.fetchedAt() >= settings.cacheTtl().toMillis()) {
            refresh(now, false);
        }
        List<JWK> found = matching(kid);
        if (found.isEmpty() && kid != null && current != null) {
            refresh(now, true);
            found = matching(kid);
        }
        s = current;
        if (s == null) {
            throw new UnauthenticatedException("the identity provider's JWKS could not be fetched; try again later");
        }
        if (now - s.fetchedAt()
                > settings.cacheTtl().plus(settings.outageTolerance()).toMillis()) {
            throw new UnauthenticatedException("the identity provider's JWKS has been unreachable for longer than the"
                    + " outage tolerance; its cached keys are no longer trusted");
        }
        return found;
    }

    private List<JWK> matching(String kid) {
        Snapshot s = current;
        if (s == null) {
            return List.of();
        }
        List<JWK> out = new ArrayList<>();
        for (JWK k : s.keys()) {
            if (kid == null || kid.equals(k.getKeyID())) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * Fetches now unless another fetch was tried within the minimum interval. With {@code wait} false and a fetch
     * under way in another thread, returns at once (the cached keys are still good enough for this call).
     */
    private void refresh(long now, boolean wait) {
        if (wait) {
            fetching.lock();
        } else if (!fetching.tryLock()) {
            return;
        }
        try {
            if (lastAttempt != Long.MIN_VALUE
                    && now - lastAttempt < settings.minRefreshInterval().toMillis()) {
                return;
            }
            lastAttempt = now;
            List<JWK> keys = fetch();
            if (keys != null) {
                current = new Snapshot(keys, now);
            }
        } finally {
            fetching.unlock();
        }
    }

    /** The published keys, or null when the endpoint is unreachable or answers something that is not a JWKS. */
    private List<JWK> fetch() {
        try {
            String body = http.retrieveResource(location.resolve(http)).getContent();
            List<JWK> keys = new ArrayList<>();
            for (JWK k : JWKSet.parse(body).getKeys()) {
                if (!KeyType.OCT.equals(k.getKeyType())) {
                    keys.add(k.toPublicJWK());
                }
            }
            return keys;
        } catch (IOException | ParseException | RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "JWKS fetch failed ({0}); cached keys, if any, stay in use within" + " the outage tolerance",
                    e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }
}
