package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectMetadataStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * N identical concurrent queries are one index search; a write is never answered from the cache; a result is cached
 * for 5 s of the store's clock (a {@link MutableClock} here, so a slow machine cannot expire it mid-test).
 */
class CoalescingTest {

    @Test
    void identicalConcurrentQueriesSearchOnceAndAWriteIsSeenAtOnce() throws Exception {
        // the result cache's 5 s lifetime runs on this clock, which stands still while the clients query
        MutableClock clock = new MutableClock(1_000_000L);
        InMemoryObjectStore objects = new InMemoryObjectStore();
        NamespaceService namespaces = new NamespaceService(new NamespaceStore(
                objects, new ObjectMetadataStore(objects, clock), clock, NamespaceStore.Options.DEFAULTS));
        Gateway g = new Gateway(namespaces, Limits.defaults(), List.of());
        StringBuilder vectors = new StringBuilder("{\"vectors\":[");
        for (int i = 0; i < 1000; i++) {
            vectors.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"v")
                    .append(i)
                    .append("\",\"values\":[")
                    .append(Math.sin(i))
                    .append(',')
                    .append(Math.cos(i))
                    .append(",0.5]}");
        }
        assertEquals(
                200,
                call(g, "/v1/namespaces/c/vectors", vectors.append("]}").toString())
                        .status());
        String query = "{\"vector\":[1,0,0.5],\"topK\":5,\"filter\":{\"$not\":{\"x\":1}}}";
        long before = namespaces.searches();
        int clients = 32;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            replies.add(pool.submit(() -> {
                go.await();
                return call(g, "/v1/namespaces/c/query", query).bodyText();
            }));
        }
        go.countDown();
        String first = replies.get(0).get();
        for (Future<String> r : replies) {
            assertEquals(first, r.get(), "every client gets the same answer");
        }
        pool.shutdown();
        assertEquals(1, namespaces.searches() - before, "32 identical queries, one search");

        assertEquals(
                200,
                call(g, "/v1/namespaces/c/vectors", "{\"vectors\":[{\"id\":\"new\",\"values\":[1,0,0.5]}]}")
                        .status());
        String after = call(g, "/v1/namespaces/c/query", query).bodyText();
        assertTrue(after.contains("\"id\":\"new\""), "the write is seen at once: " + after);
        assertEquals(2, namespaces.searches() - before);
        call(g, "/v1/namespaces/c/query", "{\"vector\":[0,1,0.5],\"topK\":5}");
        assertEquals(3, namespaces.searches() - before, "a different query searches");

        clock.advance(Duration.ofMillis(4_999));
        call(g, "/v1/namespaces/c/query", query);
        assertEquals(3, namespaces.searches() - before, "still cached");
        clock.advance(Duration.ofMillis(1));
        call(g, "/v1/namespaces/c/query", query);
        assertEquals(4, namespaces.searches() - before, "cached for 5 s only");
    }

    private static HttpResponse call(Gateway g, String path, String body) {
        return g.handle(new HttpRequest("POST", path, Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8)));
    }
}
