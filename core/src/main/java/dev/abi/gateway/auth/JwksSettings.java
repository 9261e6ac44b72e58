package dev.abi.gateway.auth;

import java.time.Duration;

/**
 * How a remote JWKS is fetched and cached.
 *
 * @param connectTimeout     longest wait to connect to the JWKS (or discovery) endpoint
 * @param readTimeout        longest wait for its answer
 * @param maxBytes           largest document accepted
 * @param cacheTtl           how long fetched keys are used before they are fetched again
 * @param minRefreshInterval least time between two fetches, whatever asks for them (unknown {@code kid}, expiry):
 *                           a flood of tokens with unknown key ids costs the identity provider one request
 * @param outageTolerance    how long past {@code cacheTtl} the last keys keep being used while fetches fail
 */
record JwksSettings(
        Duration connectTimeout,
        Duration readTimeout,
        int maxBytes,
        Duration cacheTtl,
        Duration minRefreshInterval,
        Duration outageTolerance) {

    static final JwksSettings DEFAULTS = new JwksSettings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            512 * 1024,
            Duration.ofMinutes(10),
            Duration.ofSeconds(30),
            Duration.ofHours(1));

    JwksSettings {
        positive(connectTimeout, "abi.auth.jwt.jwks-connect-timeout");
        positive(readTimeout, "abi.auth.jwt.jwks-read-timeout");
        positive(cacheTtl, "abi.auth.jwt.jwks-cache-ttl");
        if (minRefreshInterval.isNegative() || minRefreshInterval.compareTo(cacheTtl) > 0) {
            throw new JwtConfigException(
                    "abi.auth.jwt.jwks-min-refresh-interval",
                    "must be between 0 and the cache TTL (" + cacheTtl + "), not " + minRefreshInterval);
        }
        if (outageTolerance.isNegative()) {
            throw new JwtConfigException("abi.auth.jwt.jwks-outage-tolerance", "must not be negative");
        }
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("a JWKS size limit under 1 KiB cannot hold a key");
        }
    }

    private static void positive(Duration d, String setting) {
        if (d.isZero() || d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
            throw new JwtConfigException(setting, "must be a positive duration, not " + d);
        }
    }
}
