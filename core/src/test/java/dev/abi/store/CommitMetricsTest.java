package dev.abi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.abi.telemetry.InMemoryMetrics;
import dev.abi.telemetry.RequestContext;
import dev.abi.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commit conflicts and retries of the commit log, counted in the process's metrics. */
class CommitMetricsTest {

    private final InMemoryMetrics metrics = new InMemoryMetrics();
    private RequestContext.Scope installed;

    @BeforeEach
    void install() {
        installed = Telemetry.install(metrics, null);
    }

    @AfterEach
    void uninstall() {
        installed.close();
    }

    private static CommitLog log(ObjectStore store, String writer) {
        return new CommitLog(store, "ns/a/", writer, Clock.systemUTC(), Duration.ofMinutes(5), 0);
    }

    private static List<Operation> ops(String id) {
        return List.of(Operation.upsert(id, new float[] {1, 0}, Map.of()));
    }

    @Test
    void aSlotLostToAnotherWriterIsOneConflict() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        CommitLog a = log(store, "a");
        CommitLog b = log(store, "b");
        assertEquals(1, b.append(ops("x")).seq());
        assertEquals(2, a.append(ops("y")).seq());
        assertEquals(3, b.append(ops("z")).seq(), "b believed slot 2 free, lost it, and took 3");
        assertEquals(1, metrics.counter("abi.commit.conflicts"), metrics.describe());
        assertEquals(0, metrics.counter("abi.commit.retries", "stage", "log"), metrics.describe());
    }

    @Test
    void aLogPutWithAnUnknownOutcomeIsOneRetry() {
        FaultyObjectStore store = new FaultyObjectStore(new InMemoryObjectStore(), 1)
                .before(FaultyObjectStore.op(FaultyObjectStore.Op.PUT_IF_ABSENT, "/log/"), 1, c -> {
                    throw new ObjectStoreException("planted timeout", null);
                });
        assertEquals(1, log(store, "a").append(ops("x")).seq());
        assertEquals(1, metrics.counter("abi.commit.retries", "stage", "log"), metrics.describe());
        assertEquals(0, metrics.counter("abi.commit.conflicts"), metrics.describe());
    }
}
