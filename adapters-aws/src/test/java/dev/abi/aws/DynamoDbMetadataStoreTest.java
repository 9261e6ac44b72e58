package dev.abi.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.GatewaySecurity;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.HttpResponse;
import dev.abi.gateway.Limits;
import dev.abi.gateway.auth.ApiKeys;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.namespace.ModelCheck;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.namespace.VectorRecord;
import dev.abi.store.IdempotencyClaim;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import dev.abi.testing.SecretScan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB metadata store (Enhanced Client) against DynamoDB Local 2.6.1 running in this JVM. */
class DynamoDbMetadataStoreTest {

    private static DynamoDbLocalServer server;
    private static DynamoDbClient dynamo;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);

    @BeforeAll
    static void start() throws Exception {
        server = new DynamoDbLocalServer();
        dynamo = server.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private DynamoDbMetadataStore store(String table) {
        DynamoDbMetadataStore s = new DynamoDbMetadataStore(dynamo, table, clock);
        s.createTableIfMissing();
        return s;
    }

    @Test
    void theLeaseIsExclusiveUntilItExpiresAndEachNewHolderGetsAHigherEpoch() {
        DynamoDbMetadataStore s = store("leases");
        assertEquals(OptionalLong.of(1), s.tryAcquire("ns/a/", "i1", Duration.ofMinutes(1), 1));
        assertEquals(OptionalLong.empty(), s.tryAcquire("ns/a/", "i2", Duration.ofMinutes(1), 1));
        assertEquals(OptionalLong.of(1), s.tryAcquire("ns/a/", "i1", Duration.ofMinutes(1), 1), "renewal keeps it");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(OptionalLong.of(2), s.tryAcquire("ns/a/", "i2", Duration.ofMinutes(1), 1));
        s.release("ns/a/", "i2", 2);
        assertEquals(
                OptionalLong.of(7),
                s.tryAcquire("ns/a/", "i3", Duration.ofMinutes(1), 7),
                "never below one past the newest manifest's epoch");
    }

    @Test
    void headHintsOnlyRise() {
        DynamoDbMetadataStore s = store("heads");
        assertTrue(s.headHint("ns/h/").isEmpty());
        s.advanceHeadHint("ns/h/", 5);
        s.advanceHeadHint("ns/h/", 3);
        s.advanceHeadHint("ns/h/", 9);
        assertEquals(OptionalLong.of(9), s.headHint("ns/h/"));
    }

    @Test
    void theFirstIdempotentResultWinsUntilItExpires() {
        DynamoDbMetadataStore s = store("idem");
        s.recordIdempotentResult("k", new byte[] {1}, Duration.ofHours(1));
        s.recordIdempotentResult("k", new byte[] {2}, Duration.ofHours(1));
        assertArrayEquals(new byte[] {1}, s.idempotentResult("k").orElseThrow());
        clock.advance(Duration.ofHours(2));
        assertTrue(s.idempotentResult("k").isEmpty(), "expired records are ignored before TTL removes them");
    }

    @Test
    void aClaimIsExclusiveUntilItIsReleasedExpiresOrCompletes() {
        DynamoDbMetadataStore s = store("idem");
        assertEquals(
                IdempotencyClaim.State.CLAIMED,
                s.claimIdempotencyKey("c", Duration.ofMinutes(5)).state());
        assertEquals(
                IdempotencyClaim.State.IN_PROGRESS,
                s.claimIdempotencyKey("c", Duration.ofMinutes(5)).state(),
                "a concurrent retry finds the first attempt in progress");
        assertTrue(s.idempotentResult("c").isEmpty(), "a claim is not a result");
        s.releaseIdempotencyKey("c");
        assertEquals(
                IdempotencyClaim.State.CLAIMED,
                s.claimIdempotencyKey("c", Duration.ofMinutes(5)).state(),
                "a released claim can be taken again");
        clock.advance(Duration.ofMinutes(6));
        assertEquals(
                IdempotencyClaim.State.CLAIMED,
                s.claimIdempotencyKey("c", Duration.ofMinutes(5)).state(),
                "an abandoned claim expires");
        s.recordIdempotentResult("c", new byte[] {7}, Duration.ofHours(1));
        IdempotencyClaim done = s.claimIdempotencyKey("c", Duration.ofMinutes(5));
        assertEquals(IdempotencyClaim.State.COMPLETED, done.state());
        assertArrayEquals(new byte[] {7}, done.result());
        s.releaseIdempotencyKey("c");
        assertArrayEquals(new byte[] {7}, s.idempotentResult("c").orElseThrow(), "a result is never released");
    }

    @Test
    void aNewApiKeysSecretIsNeverWrittenToTheTable() throws Exception {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        DynamoDbMetadataStore meta = store("secrets");
        String bootstrap = "bootstrap-key-0123456789abcdef";
        Gateway g = new Gateway(
                new NamespaceService(new NamespaceStore(objects)),
                Limits.defaults(),
                List.of(),
                meta,
                null,
                null,
                new GatewaySecurity(
                        new Authenticator(true, bootstrap, new ApiKeys(objects, clock), null), null, null, null));
        HttpRequest create = new HttpRequest(
                "POST",
                "/v1/admin/keys",
                Map.of(),
                Map.of("Authorization", "Bearer " + bootstrap, "Idempotency-Key", "create-1"),
                "{\"name\":\"ci\",\"grants\":[\"read:*\"]}".getBytes(StandardCharsets.UTF_8));
        HttpResponse created = g.handle(create);
        assertEquals(201, created.status(), created.bodyText());
        String key = new ObjectMapper().readTree(created.body()).get("key").asText();
        String secret = SecretScan.apiKeySecret(key);
        assertEquals(409, g.handle(create).status(), "the retry is not replayed");
        List<Map<String, AttributeValue>> items =
                dynamo.scan(r -> r.tableName("secrets")).items();
        assertTrue(items.stream().anyMatch(i -> i.get("pk").s().startsWith("idem#")), "the request was recorded");
        for (Map<String, AttributeValue> item : items) {
            assertFalse(SecretScan.contains(item.toString(), secret), "item holds the secret: " + item.get("pk"));
            assertFalse(SecretScan.contains(item.toString(), bootstrap), "item holds the bootstrap key");
        }
    }

    @Test
    void idempotencyKeysAreScopedByPrincipal() throws Exception {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        DynamoDbMetadataStore meta = store("scoped");
        String bootstrap = "bootstrap-key-0123456789abcdef";
        Gateway g = new Gateway(
                new NamespaceService(new NamespaceStore(objects)),
                Limits.defaults(),
                List.of(),
                meta,
                null,
                null,
                new GatewaySecurity(
                        new Authenticator(true, bootstrap, new ApiKeys(objects, clock), null), null, null, null));
        ObjectMapper json = new ObjectMapper();
        List<String> tokens = new ArrayList<>();
        for (String name : List.of("alice", "bob")) {
            HttpResponse r = g.handle(new HttpRequest(
                    "POST",
                    "/v1/admin/keys",
                    Map.of(),
                    Map.of("Authorization", "Bearer " + bootstrap),
                    ("{\"name\":\"" + name + "\",\"grants\":[\"write:n\"]}").getBytes(StandardCharsets.UTF_8)));
            tokens.add(json.readTree(r.body()).get("key").asText());
        }
        byte[] body = "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}".getBytes(StandardCharsets.UTF_8);
        Function<String, HttpRequest> upsert = token -> new HttpRequest(
                "POST",
                "/v1/namespaces/n/vectors",
                Map.of(),
                Map.of("Authorization", "Bearer " + token, "Idempotency-Key", "same"),
                body);
        HttpResponse alice = g.handle(upsert.apply(tokens.get(0)));
        HttpResponse bob = g.handle(upsert.apply(tokens.get(1)));
        assertEquals(200, bob.status(), bob.bodyText());
        assertEquals(null, bob.headers().get("Idempotent-Replayed"), "bob's request ran, not alice's replay");
        assertEquals(2, json.readTree(bob.body()).get("version").asInt());
        assertEquals("true", g.handle(upsert.apply(tokens.get(0))).headers().get("Idempotent-Replayed"));
        assertEquals(1, json.readTree(alice.body()).get("version").asInt());
    }

    /**
     * Two threads claim the same keys on DynamoDB Local at once (released together by a latch, round after round):
     * the conditional put lets exactly one win each key, and the other sees it in progress.
     */
    @Test
    void twoThreadsRacingToClaimOneKeyHaveExactlyOneWinner() throws Exception {
        DynamoDbMetadataStore meta = store("claims");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "p|POST /v1/admin/keys|race-" + round;
                CountDownLatch ready = new CountDownLatch(2);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<IdempotencyClaim.State>> claims = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    claims.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return meta.claimIdempotencyKey(key, Duration.ofMinutes(5))
                                .state();
                    }));
                }
                assertTrue(ready.await(1, TimeUnit.MINUTES), "hang guard");
                go.countDown();
                List<IdempotencyClaim.State> states = new ArrayList<>();
                for (Future<IdempotencyClaim.State> f : claims) {
                    states.add(f.get(1, TimeUnit.MINUTES)); // a hang guard, not a speed claim
                }
                assertEquals(
                        1,
                        states.stream()
                                .filter(st -> st == IdempotencyClaim.State.CLAIMED)
                                .count(),
                        "round " + round + ": " + states);
                assertTrue(states.contains(IdempotencyClaim.State.IN_PROGRESS), "round " + round + ": " + states);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deletingTheTableLosesNothing() {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        DynamoDbMetadataStore meta = store("throwaway");
        NamespaceStore.Options opts =
                new NamespaceStore.Options(Duration.ofDays(1), Duration.ofHours(1), 2, 4, Duration.ofMinutes(1));
        NamespaceService s = new NamespaceService(new NamespaceStore(objects, meta, clock, opts), Runnable::run);
        for (int i = 0; i < 6; i++) {
            s.upsert("docs", List.of(new VectorRecord("v" + i, new float[] {i, 1}, Map.of())));
        }
        dynamo.deleteTable(b -> b.tableName("throwaway"));
        DynamoDbMetadataStore fresh = store("throwaway");
        NamespaceService after = new NamespaceService(new NamespaceStore(objects, fresh, clock, opts), Runnable::run);
        assertEquals(6, after.describe("docs").count());
        after.upsert("docs", List.of(new VectorRecord("v6", new float[] {6, 1}, Map.of())));
        assertEquals("COMMITTED", after.fold("docs"), "a new lease store still hands out an epoch that can commit");
        assertEquals(
                7,
                new NamespaceService(new NamespaceStore(objects), Runnable::run)
                        .describe("docs")
                        .count());
    }

    @Test
    void modelCheckWithLeasesAndHintsInDynamoDb() throws Exception {
        DynamoDbMetadataStore meta = store("model");
        ModelCheck.Report r = ModelCheck.run(new InMemoryObjectStore(), o -> meta, 77, 3, 15);
        assertTrue(r.acknowledged() > 0, r.toString());
    }
}
