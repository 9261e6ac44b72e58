package dev.abi.gateway.ratelimit;

/** A request over a rate limit (429, with {@code Retry-After} and {@code RateLimit-*} headers). */
public final class RateLimitedException extends RuntimeException {

    private final RateLimiter.Decision decision;

    public RateLimitedException(RateLimiter.Decision decision) {
        super("rate limit '" + decision.policy() + "' exceeded: " + decision.limit() + " requests per "
                + decision.windowSeconds() + " s; retry in " + decision.retryAfterSeconds() + " s");
        this.decision = decision;
    }

    public RateLimiter.Decision decision() {
        return decision;
    }
}
