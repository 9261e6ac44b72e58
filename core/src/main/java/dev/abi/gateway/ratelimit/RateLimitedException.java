package dev.abi.gateway.ratelimit;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;

/** A request over a rate limit (429, with {@code Retry-After} and {@code RateLimit-*} headers). */
public final class RateLimitedException extends RuntimeException implements Classified {

    private final RateLimiter.Decision decision;

    public RateLimitedException(RateLimiter.Decision decision) {
        super("rate limit '" + decision.policy() + "' exceeded: " + decision.limit() + " requests per "
                + decision.windowSeconds() + " s; retry in " + decision.retryAfterSeconds() + " s");
        this.decision = decision;
    }

    public RateLimiter.Decision decision() {
        return decision;
    }

    @Override
    public Failure failure() {
        return Failure.of(429, "rate-limited", "Too many requests", getMessage())
                .withHeaders(decision.headers())
                .withCode("rate_limit_exceeded");
    }
}
