package dev.abi.resilience;

/** A call refused because its upstream's circuit breaker is open (503 with {@code Retry-After}). */
public final class CircuitOpenException extends RuntimeException {

    private final String upstream;
    private final long retryAfterSeconds;

    public CircuitOpenException(String upstream, long retryAfterSeconds) {
        super(upstream + " is unavailable (circuit open after repeated failures); retry in " + retryAfterSeconds
                + " s");
        this.upstream = upstream;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String upstream() {
        return upstream;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
