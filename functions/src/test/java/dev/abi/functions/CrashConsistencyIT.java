package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.testing.ServerProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes the packaged local server ({@code target/quarkus-app/quarkus-run.jar}) with SIGKILL while concurrent
 * clients write to it, restarts it on the same data directory, and checks that nothing it acknowledged was lost:
 * every id of every batch answered 200 is there with its exact values, no version was handed out twice, each batch
 * is all there or not at all, and the only commits nobody was told about are requests the crash cut off.
 *
 * <p>The crash moment is chosen by the number of acknowledged batches (a seeded random count), never by time; the
 * seed is {@code -Dabi.crash.seed} (a fixed default), and every failure message names it. Server logs are kept in
 * {@code target/crash-consistency/}.
 */
class CrashConsistencyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = Long.getLong("abi.crash.seed", 20261206L);
    private static final int DIM = 4;
    private static final int MAX_BATCH = 4;
    private static final int KILLS = 6;
    /** Concurrent writers per server in the kill loop. */
    private static final int WRITERS = 4;
    /** Guards against a hang only: nothing is asserted about how long anything takes. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(90);
    /** The query that reads a whole namespace back answers at most this many matches. */
    private static final int TOP_K = 1000;

    private final List<ServerProcess> started = new CopyOnWriteArrayList<>();

    @TempDir
    Path dataDir;

    /** Every process this test started is gone afterwards, whatever happened. */
    @AfterEach
    void killAll() throws InterruptedException {
        for (ServerProcess p : started) {
            p.kill();
        }
    }

    /** A batch sent to a server: its vectors, and the version its 200 reply gave (-1 while unacknowledged). */
    private record Batch(String server, Map<String, float[]> vectors, long version) {
        Batch acknowledged(long v) {
            return new Batch(server, vectors, v);
        }
    }

    /** What the writers of one test sent, and what was acknowledged. */
    private static final class Ledger {
        final ConcurrentLinkedQueue<Batch> sent = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Batch> acknowledged = new ConcurrentLinkedQueue<>();
        /** Requests the crash may have cut off: at most one per writer of a killed server, except the killer's. */
        int maybeInFlight;
    }

    @Test
    void everyAcknowledgedWriteSurvivesRepeatedKills() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        Ledger ledger = new Ledger();
        String ns = "crash";
        for (int life = 1; life <= KILLS; life++) {
            ServerProcess server = start("life-" + life);
            if (life > 1) {
                verify(server, ns, ledger, "after kill " + (life - 1));
            }
            writeUntilKilled(
                    List.of(new Writers(server, "life" + life, WRITERS, 6 + random.nextInt(25))), ns, random, ledger);
        }
        try (ServerProcess last = start("after-last-kill")) {
            verify(last, ns, ledger, "after kill " + KILLS);
        }
    }

    @Test
    void twoServersOnOneDirectoryLoseNothingWhenBothAreKilled() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        Ledger ledger = new Ledger();
        String ns = "shared";
        // both servers create the namespace on their first upserts, racing each other
        ServerProcess a = start("shared-a");
        ServerProcess b = start("shared-b");
        writeUntilKilled(
                List.of(new Writers(a, "a", 2, 6 + random.nextInt(15)), new Writers(b, "b", 2, 6 + random.nextInt(15))),
                ns,
                random,
                ledger);
        try (ServerProcess reader = start("shared-reader")) {
            verify(reader, ns, ledger, "after both servers were killed");
        }
    }

    /** {@code writers} threads writing to {@code server}; the one given acknowledgement {@code killAfter} kills it. */
    private record Writers(ServerProcess server, String name, int writers, int killAfter) {}

    /**
     * Runs every group's writers at once. Each writer upserts batches of 1 to {@value #MAX_BATCH} vectors with ids of
     * its own, recording each batch before it is sent and again once acknowledged; the writer whose acknowledgement
     * is its group's {@code killAfter}-th kills that group's server. The others then stop at their first failed
     * request: a request the crash cut off has an unknown outcome and was never acknowledged.
     */
    private void writeUntilKilled(List<Writers> groups, String ns, SplittableRandom random, Ledger ledger)
            throws Exception {
        int threads = groups.stream().mapToInt(Writers::writers).sum();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (Writers g : groups) {
                AtomicInteger acks = new AtomicInteger();
                AtomicBoolean killed = new AtomicBoolean();
                for (int t = 0; t < g.writers; t++) {
                    String prefix = g.name + "-t" + t;
                    SplittableRandom own = random.split();
                    futures.add(pool.submit(writer(g, prefix, own, acks, killed, ns, ledger)));
                }
                ledger.maybeInFlight += g.writers - 1;
            }
            long deadline = System.nanoTime() + HANG_GUARD.toNanos();
            for (Future<Void> f : futures) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("a writer failed (seed " + SEED + ")", e.getCause());
                } catch (TimeoutException e) {
                    fail("writers hung for " + HANG_GUARD + " (seed " + SEED + ")");
                }
            }
        } finally {
            pool.shutdownNow();
            for (Writers g : groups) {
                g.server.kill();
            }
        }
    }

    private static Callable<Void> writer(
            Writers g,
            String prefix,
            SplittableRandom random,
            AtomicInteger acks,
            AtomicBoolean killed,
            String ns,
            Ledger ledger) {
        return () -> {
            for (int b = 0; !killed.get(); b++) {
                Map<String, float[]> vectors = new LinkedHashMap<>();
                int size = 1 + random.nextInt(MAX_BATCH);
                for (int i = 0; i < size; i++) {
                    vectors.put(prefix + "-b" + b + "-" + i, vector(random));
                }
                Batch batch = new Batch(g.name, vectors, -1);
                ledger.sent.add(batch);
                HttpResponse<String> r;
                try {
                    r = g.server.send("POST", "/v1/namespaces/" + ns + "/vectors", upsertBody(vectors));
                } catch (IOException e) {
                    if (killed.get()) {
                        return null; // cut off by the crash: outcome unknown, never acknowledged
                    }
                    throw new AssertionError(prefix + ": request " + b + " failed on a live server", e);
                }
                assertEquals(200, r.statusCode(), prefix + ": batch " + b + " answered " + r.body());
                JsonNode reply = JSON.readTree(r.body());
                assertEquals(size, reply.get("upserted").asInt(), r.body());
                ledger.acknowledged.add(batch.acknowledged(reply.get("version").asLong()));
                if (acks.incrementAndGet() == g.killAfter && killed.compareAndSet(false, true)) {
                    g.server.kill();
                }
            }
            return null;
        };
    }

    /**
     * Reads the namespace back through {@code server} and checks it against the ledger: every acknowledged id with
     * its exact values, nothing that was never sent, whole batches only, versions unique, contiguous and in commit
     * order, each acknowledged version holding its batch's operation count, and no more unacknowledged commits than
     * requests the crashes could have cut off.
     */
    private void verify(ServerProcess server, String ns, Ledger ledger, String when) throws Exception {
        String where = when + " (seed " + SEED + ")";
        assertTrue(server.health().contains("\"up\""), where + ": " + server.health());
        JsonNode info = get(server, "/v1/namespaces/" + ns, where);
        long head = info.get("version").asLong();
        int count = info.get("count").asInt();
        assertTrue(count < TOP_K, where + ": the test keeps namespaces under " + TOP_K + " vectors, found " + count);

        JsonNode matches = post(
                        server,
                        "/v1/namespaces/" + ns + "/query",
                        "{\"vector\":[1,0,0,0],\"topK\":" + TOP_K + ",\"includeValues\":true}",
                        where)
                .get("matches");
        assertEquals(count, matches.size(), where + ": the query reads every vector");
        Map<String, float[]> stored = new HashMap<>();
        for (JsonNode m : matches) {
            stored.put(m.get("id").asText(), floats(m.get("values")));
        }

        List<String> lost = new ArrayList<>();
        Map<Long, Batch> byVersion = new HashMap<>();
        for (Batch b : ledger.acknowledged) {
            Batch twice = byVersion.put(b.version, b);
            if (twice != null) {
                fail(where + ": version " + b.version + " was acknowledged twice, to " + twice.server + " for "
                        + twice.vectors.keySet() + " and to " + b.server + " for " + b.vectors.keySet());
            }
            for (Map.Entry<String, float[]> e : b.vectors.entrySet()) {
                float[] v = stored.get(e.getKey());
                if (v == null || !Arrays.equals(v, e.getValue())) {
                    lost.add(e.getKey() + " (acknowledged as version " + b.version + " by server " + b.server
                            + (v == null ? ", missing" : ", values differ") + ")");
                }
            }
        }
        assertTrue(
                lost.isEmpty(),
                where + ": " + lost.size() + " acknowledged vectors lost, of "
                        + ledger.acknowledged.stream()
                                .mapToInt(b -> b.vectors.size())
                                .sum() + ": "
                        + lost.subList(0, Math.min(20, lost.size())));

        Set<String> ids = new HashSet<>(stored.keySet());
        for (Batch b : ledger.sent) {
            int present = 0;
            for (Map.Entry<String, float[]> e : b.vectors.entrySet()) {
                float[] v = stored.get(e.getKey());
                if (v != null) {
                    assertTrue(
                            Arrays.equals(v, e.getValue()),
                            where + ": " + e.getKey() + " has values " + Arrays.toString(v) + ", sent "
                                    + Arrays.toString(e.getValue()));
                    present++;
                    ids.remove(e.getKey());
                }
            }
            assertTrue(
                    present == 0 || present == b.vectors.size(),
                    where + ": batch " + b.vectors.keySet() + " is only partly there (" + present + " of "
                            + b.vectors.size() + ")");
        }
        assertTrue(ids.isEmpty(), where + ": ids nobody sent: " + ids);

        JsonNode versions = get(server, "/v1/namespaces/" + ns + "/versions?limit=1000", where)
                .get("versions");
        assertEquals(head + 1, versions.size(), where + ": versions " + head + " down to 0 are all listed");
        long previousTs = Long.MAX_VALUE;
        Map<Long, Integer> opsAt = new HashMap<>();
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            assertEquals(head - i, v.get("version").asLong(), where + ": versions are contiguous, newest first");
            long ts = Instant.parse(v.get("commitTs").asText()).toEpochMilli();
            assertTrue(
                    ts < previousTs,
                    where + ": commit times strictly increase up to version " + (head - i + 1) + ": " + versions);
            previousTs = ts;
            opsAt.put(v.get("version").asLong(), v.get("ops").asInt());
        }
        for (Batch b : byVersion.values()) {
            assertTrue(
                    b.version >= 1 && b.version <= head,
                    where + ": acknowledged version " + b.version + " is beyond the head " + head);
            assertEquals(
                    b.vectors.size(),
                    opsAt.get(b.version),
                    where + ": version " + b.version + " holds the batch acknowledged with it, " + b.vectors.keySet());
        }
        long unacknowledged = head - byVersion.size();
        assertTrue(
                unacknowledged <= ledger.maybeInFlight,
                where + ": " + unacknowledged
                        + " commits were never acknowledged, but the crashes cut off at most " + ledger.maybeInFlight
                        + " requests: a batch was committed twice");

        // the batch acknowledged last before the crash, once more through the fetch-by-id route
        Batch newest = byVersion.get(
                byVersion.keySet().stream().mapToLong(Long::longValue).max().orElseThrow());
        for (Map.Entry<String, float[]> e : newest.vectors.entrySet()) {
            float[] v = floats(get(server, "/v1/namespaces/" + ns + "/vectors/" + e.getKey(), where)
                    .get("values"));
            assertTrue(Arrays.equals(v, e.getValue()), where + ": GET " + e.getKey() + " gave " + Arrays.toString(v));
        }
        Map<String, Long> acksByServer = new TreeMap<>();
        byVersion.values().forEach(b -> acksByServer.merge(b.server, 1L, Long::sum));
        System.out.printf(
                "CrashConsistencyIT %s (seed %d): head version %d, %d vectors, batches acknowledged %s,"
                        + " %d commits unacknowledged (cut off by the crashes, at most %d); on disk %s%n",
                when, SEED, head, count, acksByServer, unacknowledged, ledger.maybeInFlight, onDisk(ns));
    }

    /**
     * What the namespace left on disk, for the log: its incarnation directories (each first upsert that raced to
     * create the namespace leaves one) and manifests (one per incarnation's creation, plus one per finished fold).
     */
    private String onDisk(String ns) throws IOException {
        Path dir = dataDir.resolve("ns").resolve(ns);
        try (Stream<Path> incarnations = Files.list(dir);
                Stream<Path> files = Files.walk(dir)) {
            long manifests = files.filter(
                            p -> p.getParent().getFileName().toString().equals("manifest")
                                    && p.getFileName().toString().endsWith(".json"))
                    .count();
            return incarnations.count() + " incarnation directories, " + manifests + " manifests";
        }
    }

    private static float[] vector(SplittableRandom random) {
        float[] v = new float[DIM];
        v[0] = (1 + random.nextInt(64)) / 64f; // never the zero vector, which cosine cannot rank
        for (int d = 1; d < DIM; d++) {
            v[d] = (random.nextInt(129) - 64) / 64f;
        }
        return v;
    }

    /** Values as the server wrote them: multiples of 1/64, exact in any floating-point type. */
    private static float[] floats(JsonNode values) {
        assertEquals(DIM, values.size(), values.toString());
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) values.get(d).asDouble();
        }
        return v;
    }

    private static String upsertBody(Map<String, float[]> vectors) throws IOException {
        StringBuilder body = new StringBuilder("{\"vectors\":[");
        String sep = "";
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            body.append(sep)
                    .append("{\"id\":\"")
                    .append(e.getKey())
                    .append("\",\"values\":")
                    .append(JSON.writeValueAsString(e.getValue()))
                    .append('}');
            sep = ",";
        }
        return body.append("]}").toString();
    }

    private static JsonNode get(ServerProcess server, String path, String where) throws Exception {
        HttpResponse<String> r = server.send("GET", path, null);
        assertEquals(200, r.statusCode(), where + ": GET " + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode post(ServerProcess server, String path, String body, String where) throws Exception {
        HttpResponse<String> r = server.send("POST", path, body);
        assertEquals(200, r.statusCode(), where + ": POST " + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /**
     * Starts the packaged server on the shared data directory and a fresh port, auth off (the embedded default). The
     * serial collector: fewer GC threads on a two-core CI machine. C2 stays on: the index runs on the Vector API,
     * which C1 alone would turn into slow scalar emulation.
     */
    private ServerProcess start(String name) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the app first: " + jar.toAbsolutePath());
        Path logs = Files.createDirectories(Path.of("target", "crash-consistency"));
        for (int attempt = 1; ; attempt++) {
            int port = ServerProcess.freePort();
            try {
                ServerProcess server = ServerProcess.start(
                        List.of(
                                ServerProcess.javaLauncher(),
                                "--add-modules",
                                "jdk.incubator.vector",
                                "-XX:+UseSerialGC",
                                "-Dquarkus.http.host=127.0.0.1",
                                "-Dquarkus.http.port=" + port,
                                "-Dabi.data-dir=" + dataDir,
                                "-Dabi.auth.enabled=false",
                                "-jar",
                                jar.toString()),
                        Map.of(),
                        logs.resolve(name + ".log"),
                        port,
                        HANG_GUARD);
                started.add(server);
                return server;
            } catch (IllegalStateException e) {
                // another process took the free port between the probe and the bind: only that is retried, so a
                // server that will not start on this data directory still fails the test
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("seems to be in use")) {
                    throw e;
                }
            }
        }
    }
}
