package dev.abi.gateway.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * One limit: {@code limit} requests per {@code window}, counted per caller (API key or JWT subject) and, when
 * {@code perRoute}, per route as well; applied to the listed routes (patterns such as
 * {@code POST /v1/namespaces/{ns}/query}) or to all when the set is empty, and to the listed callers or to all.
 */
public record RateLimitPolicy(
        String name,
        Algorithm algorithm,
        long limit,
        Duration window,
        boolean perRoute,
        Set<String> routes,
        Set<String> principals) {

    /** How requests are counted. */
    public enum Algorithm {
        /** A bucket of {@code limit} tokens refilled evenly over the window: bursts up to the limit, then the rate. */
        TOKEN_BUCKET,
        /** The previous window's count, weighted by how much of it still overlaps, plus the current one's. */
        SLIDING_WINDOW,
        /** A count per calendar window: simple, allows a burst of twice the limit across a boundary. */
        FIXED_WINDOW;

        /**
         * The algorithm a configuration names ({@code token-bucket}, {@code sliding-window}, {@code fixed-window}, in
         * any case); an unknown name is an {@link IllegalArgumentException} listing the known ones.
         */
        public static Algorithm parse(String s) {
            String wanted = s == null ? "" : s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Algorithm a : values()) {
                if (a.name().equals(wanted)) {
                    return a;
                }
            }
            throw new IllegalArgumentException(
                    "unknown rate-limit algorithm '" + s + "': use token-bucket, sliding-window or fixed-window");
        }
    }

    public RateLimitPolicy {
        if (limit < 1) {
            throw new IllegalArgumentException("rate limit '" + name + "': limit must be at least 1");
        }
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("rate limit '" + name + "': window must be positive");
        }
        routes = Set.copyOf(routes);
        principals = Set.copyOf(principals);
    }

    boolean applies(String principal, String route) {
        return (routes.isEmpty() || routes.contains(route)) && (principals.isEmpty() || principals.contains(principal));
    }
}
