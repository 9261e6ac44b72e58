package dev.abi.store;

import dev.abi.resilience.CircuitOpenException;
import dev.abi.telemetry.MetricNames;
import dev.abi.telemetry.Metrics;
import dev.abi.telemetry.Telemetry;
import dev.abi.telemetry.Tracing;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An {@link ObjectStore} whose calls are timed in {@code abi.store.calls}, tagged with the operation and its outcome,
 * and traced as {@code store.<op>} spans. Outcomes: {@code ok}; {@code not_found} and {@code precondition_failed}
 * (answers, not failures); {@code rejected} (a circuit breaker refused the call); {@code error} (anything else
 * thrown). Keys are never tags (one series per key would be too many); they are span attributes.
 */
public final class ObservedObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final Metrics metrics;

    /** Spans go to the process's tracer ({@link Telemetry#tracing()}) as it is at each call. */
    public ObservedObjectStore(ObjectStore delegate, Metrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return observe("get", key, () -> delegate.get(key));
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        return observe("getRange", key, () -> delegate.getRange(key, offset, length));
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        return observe("putIfAbsent", key, () -> delegate.putIfAbsent(key, bytes));
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        return observe("putIfMatch", key, () -> delegate.putIfMatch(key, bytes, expectedEtag));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return observe("list", prefix, () -> delegate.list(prefix));
    }

    @Override
    public List<ObjectInfo> list(String prefix, String startAfter, int limit) {
        return observe("list", prefix, () -> delegate.list(prefix, startAfter, limit));
    }

    @Override
    public void delete(String key) {
        observe("delete", key, () -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    private <T> T observe(String op, String key, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try (Tracing.Span span = Telemetry.tracing().start("store." + op, "store.op", op, "store.key", key)) {
            try {
                T result = call.get();
                outcome = "ok";
                return result;
            } catch (RuntimeException e) {
                outcome = outcome(e);
                if (outcome.equals("error") || outcome.equals("rejected")) {
                    span.error(e);
                }
                throw e;
            }
        } finally {
            metrics.record(
                    MetricNames.STORE_CALLS, Duration.ofNanos(System.nanoTime() - start), "op", op, "outcome", outcome);
        }
    }

    /** The outcome tag of a call that threw {@code e}. */
    static String outcome(RuntimeException e) {
        if (e instanceof ObjectNotFoundException) {
            return "not_found";
        }
        if (e instanceof PreconditionFailedException) {
            return "precondition_failed";
        }
        if (e instanceof CircuitOpenException) {
            return "rejected";
        }
        return "error";
    }
}
