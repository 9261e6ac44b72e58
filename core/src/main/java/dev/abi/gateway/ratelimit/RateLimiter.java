package dev.abi.gateway.ratelimit;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the {@link RateLimitPolicy policies} to a request, with their counters in a shared {@link CounterStore}.
 * The decision of the most restrictive applicable policy is returned (for the {@code RateLimit-*} headers); a request
 * over any policy is refused.
 */
public final class RateLimiter {

    /** The outcome for one request, from the policy closest to its limit. */
    public record Decision(
            boolean allowed,
            String policy,
            long limit,
            long remaining,
            long resetSeconds,
            long retryAfterSeconds,
            long windowSeconds) {

        /** The IETF draft's {@code RateLimit-*} headers, and {@code Retry-After} on refusals. */
        public Map<String, String> headers() {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("RateLimit-Limit", Long.toString(limit));
            h.put("RateLimit-Remaining", Long.toString(Math.max(0, remaining)));
            h.put("RateLimit-Reset", Long.toString(resetSeconds));
            if (!allowed) {
                h.put("Retry-After", Long.toString(retryAfterSeconds));
            }
            return h;
        }
    }

    private static final int CAS_ATTEMPTS = 8;

    private final List<RateLimitPolicy> policies;
    private final CounterStore counters;
    private final Clock clock;

    public RateLimiter(List<RateLimitPolicy> policies, CounterStore counters, Clock clock) {
        this.policies = List.copyOf(policies);
        this.counters = counters;
        this.clock = clock;
    }

    public boolean active() {
        return !policies.isEmpty();
    }

    /** Counts the request against every applicable policy; null when none applies. */
    public Decision check(String principal, String route) {
        Decision tightest = null;
        for (RateLimitPolicy p : policies) {
            if (!p.applies(principal, route)) {
                continue;
            }
            String key = "rl#" + p.name() + "#" + principal + (p.perRoute() ? "#" + route : "");
            Decision d = switch (p.algorithm()) {
                case FIXED_WINDOW -> fixed(p, key);
                case SLIDING_WINDOW -> sliding(p, key);
                case TOKEN_BUCKET -> bucket(p, key);
            };
            if (!d.allowed()) {
                return d;
            }
            if (tightest == null || d.remaining() * tightest.limit() < tightest.remaining() * d.limit()) {
                tightest = d;
            }
        }
        return tightest;
    }

    private Decision fixed(RateLimitPolicy p, String key) {
        long now = clock.millis();
        long w = p.window().toMillis();
        long start = now - Math.floorMod(now, w);
        long count = counters.add(key + "#" + start, 1, start + 2 * w);
        long reset = ceilSeconds(start + w - now);
        boolean ok = count <= p.limit();
        return new Decision(ok, p.name(), p.limit(), p.limit() - count, reset, reset, w / 1000);
    }

    private Decision sliding(RateLimitPolicy p, String key) {
        long now = clock.millis();
        long w = p.window().toMillis();
        long start = now - Math.floorMod(now, w);
        double overlap = 1.0 - (double) (now - start) / w;
        long previous = counters.get(key + "#" + (start - w));
        long current = counters.add(key + "#" + start, 1, start + 2 * w);
        double estimate = previous * overlap + current;
        if (estimate > p.limit()) {
            counters.add(key + "#" + start, -1, start + 2 * w); // refused requests do not use up the window
            // the estimate falls below the limit once enough of the previous window has slid out
            double excess = estimate - p.limit();
            long retry = previous == 0
                    ? ceilSeconds(start + w - now)
                    : Math.max(1, ceilSeconds((long) Math.ceil(excess / previous * w)));
            return new Decision(false, p.name(), p.limit(), 0, ceilSeconds(start + w - now), retry, w / 1000);
        }
        return new Decision(
                true,
                p.name(),
                p.limit(),
                (long) Math.floor(p.limit() - estimate),
                ceilSeconds(start + w - now),
                0,
                w / 1000);
    }

    private Decision bucket(RateLimitPolicy p, String key) {
        double capacity = p.limit();
        double perMilli = capacity / p.window().toMillis();
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            long now = clock.millis();
            var stored = counters.bucket(key);
            double tokens = stored.map(b -> Math.min(capacity, b.tokens() + (now - b.updatedAtMillis()) * perMilli))
                    .orElse(capacity);
            long version = stored.map(CounterStore.Bucket::version).orElse(-1L);
            long expires = now + 2 * p.window().toMillis();
            if (tokens < 1) {
                long retry = ceilSeconds((long) Math.ceil((1 - tokens) / perMilli));
                return new Decision(
                        false,
                        p.name(),
                        p.limit(),
                        0,
                        ceilSeconds((long) ((capacity - tokens) / perMilli)),
                        retry,
                        p.window().toMillis() / 1000);
            }
            if (counters.putBucket(key, tokens - 1, now, version, expires)) {
                return new Decision(
                        true,
                        p.name(),
                        p.limit(),
                        (long) Math.floor(tokens - 1),
                        ceilSeconds((long) ((capacity - tokens + 1) / perMilli)),
                        0,
                        p.window().toMillis() / 1000);
            }
        }
        // heavy contention on one bucket: refuse rather than over-admit
        return new Decision(false, p.name(), p.limit(), 0, 1, 1, p.window().toMillis() / 1000);
    }

    private static long ceilSeconds(long millis) {
        return Math.max(0, (millis + 999) / 1000);
    }
}
