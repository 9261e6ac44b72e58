package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.gateway.auth.ApiKeys;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.gateway.auth.Role;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.testing.SecretScan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Idempotency keys: secrets never recorded, scoped per principal, one application under concurrent retries. */
class IdempotencyTest {

    private static final String BOOTSTRAP = "bootstrap-key-0123456789abcdef";
    private static final Router.Match WRITE_ROUTE =
            new Router.Match((r, p) -> null, Map.of(), Role.WRITE, "POST /v1/namespaces/{ns}/vectors");

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final InMemoryObjectStore objects = new InMemoryObjectStore();

    private Gateway securedGateway() {
        Authenticator auth = new Authenticator(true, BOOTSTRAP, new ApiKeys(objects, clock), null);
        return new Gateway(
                new NamespaceService(new NamespaceStore(objects)),
                Limits.defaults(),
                List.of(),
                new ObjectMetadataStore(objects, clock),
                null,
                null,
                new GatewaySecurity(auth, null, null, null));
    }

    private static HttpRequest post(String path, String body, Map<String, String> headers) {
        return new HttpRequest("POST", path, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest upsert(String key, String token) {
        return post(
                "/v1/namespaces/n/vectors",
                "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}",
                Map.of("Idempotency-Key", key, "Authorization", "Bearer " + token));
    }

    private static JsonNode json(HttpResponse r) throws Exception {
        return JsonBodies.MAPPER.readTree(r.body());
    }

    @Test
    void aNewKeysSecretIsNeverRecordedNorLoggedAndItsRetryNamesTheKey() throws Exception {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage() + " " + record.getThrown());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            Gateway g = securedGateway();
            HttpRequest create = post(
                    "/v1/admin/keys",
                    "{\"name\":\"ci\",\"grants\":[\"write:docs\"]}",
                    Map.of("Authorization", "Bearer " + BOOTSTRAP, "Idempotency-Key", "create-ci-key"));
            HttpResponse created = g.handle(create);
            assertEquals(201, created.status(), created.bodyText());
            String key = json(created).get("key").asText();
            String id = json(created).get("id").asText();
            String secret = SecretScan.apiKeySecret(key);

            HttpResponse retry = g.handle(create);
            assertEquals(409, retry.status(), retry.bodyText());
            assertTrue(retry.bodyText().contains(id), "the retry names the key it created: " + retry.bodyText());
            assertFalse(SecretScan.contains(retry.bodyText(), secret));
            assertEquals(
                    1,
                    g.handle(new HttpRequest(
                                            "GET",
                                            "/v1/admin/keys",
                                            Map.of(),
                                            Map.of("Authorization", "Bearer " + BOOTSTRAP),
                                            null))
                                    .bodyText()
                                    .split("\"id\"")
                                    .length
                            - 1,
                    "the retry created no second key");

            List<ObjectInfo> all = objects.list("");
            assertTrue(all.stream().anyMatch(o -> o.key().startsWith("idempotency/")), "the request was recorded");
            for (ObjectInfo o : all) {
                byte[] bytes = objects.get(o.key()).orElseThrow().bytes();
                assertFalse(SecretScan.contains(bytes, secret), o.key() + " holds the new key's secret");
                assertFalse(SecretScan.contains(bytes, BOOTSTRAP), o.key() + " holds the bootstrap key");
            }
            for (String line : logged) {
                assertFalse(SecretScan.contains(line, secret), "logged: " + line);
                assertFalse(SecretScan.contains(line, BOOTSTRAP), "logged: " + line);
            }
        } finally {
            root.removeHandler(capture);
        }
    }

    @Test
    void twoCallersWithTheSameKeyNeverSeeEachOthersReplies() throws Exception {
        Gateway g = securedGateway();
        List<String> tokens = new ArrayList<>();
        for (String name : List.of("alice", "bob")) {
            HttpResponse r = g.handle(post(
                    "/v1/admin/keys",
                    "{\"name\":\"" + name + "\",\"grants\":[\"write:n\"]}",
                    Map.of("Authorization", "Bearer " + BOOTSTRAP)));
            tokens.add(json(r).get("key").asText());
        }
        HttpResponse alice = g.handle(upsert("same-key", tokens.get(0)));
        HttpResponse bob = g.handle(upsert("same-key", tokens.get(1)));
        assertEquals(200, alice.status(), alice.bodyText());
        assertEquals(200, bob.status(), bob.bodyText());
        assertNull(bob.headers().get("Idempotent-Replayed"), "bob's request ran: " + bob.headers());
        assertEquals(2, json(bob).get("version").asInt(), "both applied");
        assertEquals(
                "true",
                g.handle(upsert("same-key", tokens.get(0))).headers().get("Idempotent-Replayed"),
                "alice's own retry replays");
    }

    @Test
    void aConcurrentRetryIsRefusedWhileTheFirstRunsSoTheRequestAppliesOnce() throws Exception {
        IdempotentRequests idem = new IdempotentRequests(new ObjectMetadataStore(objects, clock), clock);
        HttpRequest request = upsert("k-1", "t");
        AtomicInteger applied = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<HttpResponse> first =
                CompletableFuture.supplyAsync(() -> idem.handle(request, "p", WRITE_ROUTE, () -> {
                    applied.incrementAndGet();
                    entered.countDown();
                    await(release);
                    return ok(200, "{\"version\":1}");
                }));
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        IdempotencyConflictException busy = assertThrows(
                IdempotencyConflictException.class,
                () -> idem.handle(request, "p", WRITE_ROUTE, () -> {
                    applied.incrementAndGet();
                    return ok(200, "{\"version\":2}");
                }));
        assertTrue(busy.getMessage().contains("in progress"), busy.getMessage());
        release.countDown();
        assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
        HttpResponse replay = idem.handle(request, "p", WRITE_ROUTE, () -> {
            applied.incrementAndGet();
            return ok(200, "{\"version\":3}");
        });
        assertEquals("{\"version\":1}", replay.bodyText());
        assertEquals(1, applied.get());
        assertEquals(409, ProblemMapper.toResponse(busy).status());
    }

    /**
     * Racing duplicates of one {@code POST /v1/admin/keys} (the finding: each created an admin key): eight threads
     * released together by a latch send the same request with the same key; exactly one key is created, and every
     * other caller gets a 409, whether it found the claim in progress or the key already made.
     */
    @Test
    void racingDuplicatesOfOneKeyCreationCreateExactlyOneKey() throws Exception {
        Gateway g = securedGateway();
        HttpRequest create = post(
                "/v1/admin/keys",
                "{\"name\":\"race\",\"grants\":[\"admin:*\"]}",
                Map.of("Authorization", "Bearer " + BOOTSTRAP, "Idempotency-Key", "create-race"));
        int threads = 8;
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse>> calls = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            ready.countDown();
                            await(go);
                            return g.handle(create);
                        },
                        pool));
            }
            assertTrue(ready.await(1, TimeUnit.MINUTES), "hang guard");
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse> c : calls) {
                statuses.add(c.get(1, TimeUnit.MINUTES).status()); // a hang guard, not a speed claim
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(threads - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        HttpResponse list = g.handle(new HttpRequest(
                "GET", "/v1/admin/keys", Map.of(), Map.of("Authorization", "Bearer " + BOOTSTRAP), null));
        assertEquals(1, json(list).get("keys").size(), list.bodyText());
    }

    @Test
    void anAbandonedClaimStopsBlockingAfterItsTtl() throws Exception {
        IdempotentRequests idem = new IdempotentRequests(new ObjectMetadataStore(objects, clock), clock);
        HttpRequest request = upsert("k-2", "t");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<HttpResponse> stuck =
                CompletableFuture.supplyAsync(() -> idem.handle(request, "p", WRITE_ROUTE, () -> {
                    entered.countDown();
                    await(release);
                    return ok(200, "{\"first\":1}");
                }));
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        assertThrows(
                IdempotencyConflictException.class, () -> idem.handle(request, "p", WRITE_ROUTE, () -> ok(200, "{}")));
        clock.advance(IdempotentRequests.CLAIM_TTL.plusSeconds(1));
        HttpResponse r = idem.handle(request, "p", WRITE_ROUTE, () -> ok(200, "{\"second\":1}"));
        assertEquals("{\"second\":1}", r.bodyText(), "the holder of an expired claim no longer blocks a retry");
        release.countDown();
        stuck.get(30, TimeUnit.SECONDS);
        assertEquals(
                "{\"second\":1}",
                idem.handle(request, "p", WRITE_ROUTE, () -> ok(200, "{}")).bodyText(),
                "the late first attempt does not overwrite the recorded result");
    }

    @Test
    void aFailedRequestReleasesItsKeySoARetryRuns() {
        IdempotentRequests idem = new IdempotentRequests(new ObjectMetadataStore(objects, clock), clock);
        HttpRequest request = upsert("k-3", "t");
        assertThrows(
                IllegalStateException.class,
                () -> idem.handle(request, "p", WRITE_ROUTE, () -> {
                    throw new IllegalStateException("store down");
                }));
        assertEquals(
                503, idem.handle(request, "p", WRITE_ROUTE, () -> ok(503, "{}")).status());
        HttpResponse ok = idem.handle(request, "p", WRITE_ROUTE, () -> ok(200, "{\"ok\":1}"));
        assertEquals("{\"ok\":1}", ok.bodyText());
        assertNull(ok.headers().get("Idempotent-Replayed"));
    }

    @Test
    void aReplyTooLargeToRecordIsAppliedOnceAndItsRetryIs409() {
        IdempotentRequests idem = new IdempotentRequests(new ObjectMetadataStore(objects, clock), clock);
        HttpRequest request = upsert("k-4", "t");
        String big = "{\"x\":\"" + "a".repeat(IdempotentRequests.MAX_RECORDED_BYTES) + "\"}";
        assertEquals(
                200, idem.handle(request, "p", WRITE_ROUTE, () -> ok(200, big)).status());
        long stored = objects.list("idempotency/").stream()
                .mapToLong(ObjectInfo::size)
                .sum();
        assertTrue(stored < 4096, "the big reply was not recorded: " + stored + " bytes");
        IdempotencyConflictException e = assertThrows(
                IdempotencyConflictException.class, () -> idem.handle(request, "p", WRITE_ROUTE, () -> ok(200, "{}")));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void readsQueriesAndStreamsRecordNothing() {
        Gateway g = securedGateway();
        assertEquals(200, g.handle(upsert("w", BOOTSTRAP)).status());
        int before = objects.list("idempotency/").size();
        for (int i = 0; i < 3; i++) {
            HttpResponse q = g.handle(post(
                    "/v1/namespaces/n/query",
                    "{\"vector\":[1,0],\"topK\":1}",
                    Map.of("Idempotency-Key", "q", "Authorization", "Bearer " + BOOTSTRAP)));
            assertEquals(200, q.status(), q.bodyText());
            assertNull(q.headers().get("Idempotent-Replayed"));
        }
        assertEquals(before, objects.list("idempotency/").size(), "queries are not recorded");

        IdempotentRequests idem = new IdempotentRequests(new ObjectMetadataStore(objects, clock), clock);
        HttpResponse streamed = HttpResponse.streaming(200, Map.of(), out -> out.accept(new byte[] {1}));
        assertEquals(
                200,
                idem.handle(upsert("s", "t"), "p", WRITE_ROUTE, () -> streamed).status());
        assertEquals(before, objects.list("idempotency/").size(), "a stream is not recorded");
    }

    @Test
    void expiredRecordsAreCollected() {
        IdempotentRequests idem = new IdempotentRequests(new ObjectMetadataStore(objects, clock), clock);
        for (int i = 0; i < 5; i++) {
            idem.handle(upsert("old-" + i, "t"), "p", WRITE_ROUTE, () -> ok(200, "{}"));
        }
        assertEquals(5, objects.list("idempotency/").size());
        clock.advance(IdempotentRequests.TTL.plusHours(1));
        idem.handle(upsert("new", "t"), "p", WRITE_ROUTE, () -> ok(200, "{}"));
        assertEquals(1, objects.list("idempotency/").size(), "the five expired records were deleted");
    }

    private static HttpResponse ok(int status, String body) {
        return new HttpResponse(
                status, Map.of("Content-Type", HttpResponse.JSON), body.getBytes(StandardCharsets.UTF_8));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
