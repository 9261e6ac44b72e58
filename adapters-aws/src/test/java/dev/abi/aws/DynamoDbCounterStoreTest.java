package dev.abi.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.gateway.Gateway;
import dev.abi.gateway.GatewaySecurity;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.Limits;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.gateway.ratelimit.RateLimitPolicy;
import dev.abi.gateway.ratelimit.RateLimiter;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances, each with its own DynamoDB client, share one rate limit through DynamoDB Local: together they
 * admit exactly the limit, for every algorithm.
 */
class DynamoDbCounterStoreTest {

    private static DynamoDbLocalServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new DynamoDbLocalServer();
        new DynamoDbMetadataStore(server.client(), "limits", Clock.systemUTC()).createTableIfMissing();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Gateway instance(RateLimitPolicy policy, MutableClock clock) {
        RateLimiter limiter =
                new RateLimiter(List.of(policy), new DynamoDbCounterStore(server.client(), "limits", clock), clock);
        InMemoryObjectStore objects = new InMemoryObjectStore();
        return new Gateway(
                new NamespaceService(new NamespaceStore(objects)),
                Limits.defaults(),
                List.of(),
                null,
                null,
                null,
                new GatewaySecurity(
                        new Authenticator(true, "shared-bootstrap-key-123456", null, null), limiter, null, null));
    }

    @Test
    void twoInstancesEnforceOneSharedLimit() throws Exception {
        for (RateLimitPolicy.Algorithm algorithm : RateLimitPolicy.Algorithm.values()) {
            MutableClock clock = new MutableClock(1_900_000_000_000L + algorithm.ordinal() * 86_400_000L);
            RateLimitPolicy policy = new RateLimitPolicy(
                    "shared-" + algorithm, algorithm, 30, Duration.ofMinutes(10), false, Set.of(), Set.of());
            Gateway a = instance(policy, clock);
            Gateway b = instance(policy, clock);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                Gateway g = i % 2 == 0 ? a : b;
                statuses.add(pool.submit(() -> g.handle(new HttpRequest(
                                "GET",
                                "/v1/namespaces",
                                Map.of(),
                                Map.of("Authorization", "Bearer shared-bootstrap-key-123456"),
                                "".getBytes(StandardCharsets.UTF_8)))
                        .status()));
            }
            int ok = 0;
            int limited = 0;
            for (Future<Integer> f : statuses) {
                int s = f.get();
                ok += s == 200 ? 1 : 0;
                limited += s == 429 ? 1 : 0;
            }
            pool.shutdown();
            // the clock stands still, so a token bucket cannot refill: every algorithm admits exactly the limit
            assertEquals(30, ok, algorithm + ": admitted");
            assertEquals(50, limited, algorithm + ": refused");
            assertTrue(ok + limited == 80);
        }
    }
}
