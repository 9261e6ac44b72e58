package dev.abi.namespace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Identical concurrent queries computed once: the first caller of a key computes, the others wait for its result.
 * Finished results stay in a small cache for {@code ttlMillis}. Keys include the namespace version that answers, so
 * a write (a new version) never meets a cached result of the old one.
 */
final class QueryCoalescer {

    private final Map<String, CompletableFuture<QueryResult>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Cached> cache;
    private final long ttlMillis;
    private final LongSupplier clock;

    private record Cached(QueryResult result, long at) {}

    QueryCoalescer(int maxEntries, long ttlMillis, LongSupplier clock) {
        this.ttlMillis = ttlMillis;
        this.clock = clock;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    QueryResult get(String key, Supplier<QueryResult> compute) {
        long now = clock.getAsLong();
        synchronized (cache) {
            Cached c = cache.get(key);
            if (c != null && now - c.at() < ttlMillis) {
                dev.abi.telemetry.QueryPath.note(dev.abi.telemetry.QueryPath.CACHED);
                return c.result();
            }
        }
        CompletableFuture<QueryResult> mine = new CompletableFuture<>();
        CompletableFuture<QueryResult> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                dev.abi.telemetry.QueryPath.note(dev.abi.telemetry.QueryPath.COALESCED);
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            QueryResult result = compute.get();
            synchronized (cache) {
                cache.put(key, new Cached(result, clock.getAsLong()));
            }
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }
}
