package dev.abi.cli.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.cli.Cli;
import dev.abi.cli.FakeServer;
import dev.abi.cli.FakeServer.Reply;
import dev.abi.cli.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code abi ingest} against a fake server: batching, keys, retries, resume, documents and bad input. */
class IngestCommandTest {

    @TempDir
    Path dir;

    /** Answers every upsert 200 with its size, and a 429 to the listed attempt numbers. */
    private static FakeServer server(Set<Integer> refuse) throws Exception {
        AtomicInteger attempt = new AtomicInteger();
        return new FakeServer(r -> {
            int n = attempt.incrementAndGet();
            if (refuse.contains(n)) {
                return new Reply(429, "{\"status\":429,\"detail\":\"slow down\"}", Map.of("Retry-After", "2"));
            }
            try {
                JsonNode body = Json.MAPPER.readTree(r.body());
                if (r.path().endsWith("/documents")) {
                    return Reply.json(
                            200, "{\"documents\":" + body.get("documents").size() + ",\"chunks\":1}");
                }
                return Reply.json(200, "{\"upserted\":" + body.get("vectors").size() + ",\"version\":" + n + "}");
            } catch (Exception e) {
                return Reply.json(400, "{\"detail\":\"bad json\"}");
            }
        });
    }

    private Path vectors(int n) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"id\":\"v" + i + "\",\"values\":[" + i + ",1,0],\"attributes\":{\"i\":" + i + "}}");
        }
        return Files.write(dir.resolve("vectors.jsonl"), lines);
    }

    @Test
    void batchesRetryA429WithItsRetryAfterAndResumeWithTheSameKeys() throws Exception {
        Path file = vectors(2500);
        Cli.WAITS.clear();
        try (FakeServer s = server(Set.of(2))) {
            Cli.Result r = Cli.run("ingest", file.toString(), "--ns", "docs", "--url", s.url(), "--quiet");
            assertEquals(0, r.status(), r.toString());
            // three batches (1000, 1000, 500); the second was refused once and sent again with the same key
            assertEquals(4, s.requests.size());
            assertEquals(List.of(Duration.ofSeconds(2)), Cli.WAITS);
            List<String> keys =
                    s.requests.stream().map(q -> q.header("Idempotency-key")).toList();
            assertEquals(keys.get(1), keys.get(2), "a retry re-sends its batch's key");
            assertEquals(3, new HashSet<>(keys).size());
            Set<String> ids = new HashSet<>();
            for (FakeServer.Request q : List.of(s.requests.get(0), s.requests.get(2), s.requests.get(3))) {
                Json.MAPPER
                        .readTree(q.body())
                        .get("vectors")
                        .forEach(v -> ids.add(v.get("id").asText()));
            }
            assertEquals(2500, ids.size());
            assertTrue(r.out().contains("2,500 records sent in 3 batches; 2,500 applied"), r.out());
            assertTrue(r.out().contains("1 retries after 429/503 (429 x1)"), r.out());
            assertTrue(Files.exists(dir.resolve(".abi-ingest-docs.state")));

            // a re-run finds every batch acknowledged and sends nothing
            Cli.Result again = Cli.run("ingest", file.toString(), "--ns", "docs", "--url", s.url(), "--quiet");
            assertEquals(0, again.status(), again.toString());
            assertEquals(4, s.requests.size());
            assertTrue(again.out().contains("2,500 skipped (3 batches acknowledged before)"), again.out());

            // --restart sends them again, with the same keys (the server would replay its answers)
            Cli.Result restart =
                    Cli.run("ingest", file.toString(), "--ns", "docs", "--url", s.url(), "--quiet", "--restart");
            assertEquals(0, restart.status(), restart.toString());
            assertEquals(
                    List.of(keys.get(0), keys.get(2), keys.get(3)),
                    s.requests.subList(4, 7).stream()
                            .map(q -> q.header("Idempotency-key"))
                            .toList());
        }
    }

    @Test
    void resumesAfterAStopAtTheFirstBatchNotAcknowledged() throws Exception {
        Path file = vectors(30);
        Path state = dir.resolve("custom.state");
        try (FakeServer s = server(Set.of())) {
            assertEquals(
                    0,
                    Cli.run(
                                    "ingest",
                                    file.toString(),
                                    "--ns",
                                    "docs",
                                    "--url",
                                    s.url(),
                                    "--quiet",
                                    "--batch-size",
                                    "10",
                                    "--state",
                                    state.toString())
                            .status());
            List<String> lines = new ArrayList<>(Files.readAllLines(state));
            // as if the run had been stopped before the last batch was acknowledged
            Files.write(state, lines.subList(0, lines.size() - 1));
            Cli.Result r = Cli.run(
                    "ingest",
                    file.toString(),
                    "--ns",
                    "docs",
                    "--url",
                    s.url(),
                    "--quiet",
                    "--batch-size",
                    "10",
                    "--state",
                    state.toString());
            assertEquals(0, r.status(), r.toString());
            assertEquals(4, s.requests.size());
            assertEquals(
                    s.requests.get(2).header("Idempotency-key"),
                    s.requests.get(3).header("Idempotency-key"));
            assertTrue(r.out().contains("10 records sent in 1 batches"), r.out());
        }
    }

    @Test
    void aBatchWhoseFirstSendIsStillRunningIsAskedAgainAndReplayed() throws Exception {
        Path file = vectors(5);
        AtomicInteger n = new AtomicInteger();
        Cli.WAITS.clear();
        try (FakeServer s = new FakeServer(r -> n.incrementAndGet() == 1
                ? Reply.json(
                        409,
                        "{\"type\":\"https://abi.dev/problems/idempotency-conflict\",\"status\":409,"
                                + "\"detail\":\"a request with this Idempotency-Key is still in progress; retry later\"}")
                : new Reply(200, "{\"upserted\":5,\"version\":1}", Map.of("Idempotent-Replayed", "true")))) {
            Cli.Result r = Cli.run("ingest", file.toString(), "--ns", "docs", "--url", s.url(), "--quiet");
            assertEquals(0, r.status(), r.toString());
            assertEquals(2, s.requests.size());
            assertEquals(1, Cli.WAITS.size(), "one backoff wait, no Retry-After");
            assertTrue(r.out().contains("5 applied (1 batches replayed by the server)"), r.out());
        }
    }

    @Test
    void csvVectorsAndTextDocumentsFromADirectory() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.csv"), "id,values,lang,year\nx,\"1;2;3\",en,2024\ny,4 5 6,fr,\n");
        Files.writeString(in.resolve("guide.md"), "# Restore\nUse a snapshot.");
        Files.writeString(in.resolve("ignored.bin"), "binary");
        try (FakeServer s = server(Set.of())) {
            Cli.Result r = Cli.run(
                    "ingest",
                    in.toString(),
                    "--ns",
                    "docs",
                    "--url",
                    s.url(),
                    "--quiet",
                    "--model",
                    "all-MiniLM-L6-v2");
            assertEquals(0, r.status(), r.toString());
            assertEquals(2, s.requests.size());
            JsonNode csv = Json.MAPPER.readTree(s.requests.get(0).body());
            assertEquals("/v1/namespaces/docs/vectors", s.requests.get(0).path());
            assertEquals(
                    "[1.0,2.0,3.0]", csv.get("vectors").get(0).get("values").toString());
            assertEquals(
                    2024,
                    csv.get("vectors").get(0).get("attributes").get("year").asInt());
            assertFalse(csv.get("vectors").get(1).get("attributes").has("year"));
            JsonNode doc = Json.MAPPER.readTree(s.requests.get(1).body());
            assertEquals("/v1/namespaces/docs/documents", s.requests.get(1).path());
            assertEquals("guide", doc.get("documents").get(0).get("id").asText());
            assertEquals("all-MiniLM-L6-v2", doc.get("model").asText());
        }
    }

    @Test
    void aBatchTheServerRefusesIsReportedWithItsReasonAndNotRecorded() throws Exception {
        Path file = vectors(3);
        try (FakeServer s = new FakeServer(r -> Reply.json(
                400,
                "{\"status\":400,\"detail\":\"vectors[1].values has 3 dimensions; namespace 'docs' has 4\","
                        + "\"requestId\":\"req-42\"}"))) {
            Cli.Result r = Cli.run("ingest", file.toString(), "--ns", "docs", "--url", s.url(), "--quiet");
            assertEquals(1, r.status(), r.toString());
            assertTrue(
                    r.out()
                            .contains("failed: batch 0 (3 vectors from " + file + ":1): 400 vectors[1].values has 3"
                                    + " dimensions; namespace 'docs' has 4 (request id req-42)"),
                    r.out());
            assertFalse(Files.exists(dir.resolve(".abi-ingest-docs.state")), "nothing was acknowledged");
        }
    }

    @Test
    void aMalformedLineIsNamedByFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.jsonl"), "{\"id\":\"a\",\"values\":[1]}\n{\"id\":\"b\",\n");
        try (FakeServer s = server(Set.of())) {
            Cli.Result r = Cli.run("ingest", file.toString(), "--ns", "docs", "--url", s.url(), "--quiet");
            assertEquals(1, r.status(), r.toString());
            assertTrue(r.err().startsWith("abi: " + file + ":2: not JSON"), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace");
        }
    }

    @Test
    void usageErrorsExitTwoAndNameTheOption() throws Exception {
        Path file = vectors(1);
        Cli.Result noNs = Cli.run("ingest", file.toString());
        assertEquals(2, noNs.status(), noNs.toString());
        assertTrue(noNs.err().contains("--ns"), noNs.err());
        Cli.Result badBatch = Cli.run("ingest", file.toString(), "--ns", "docs", "--batch-size", "5000");
        assertEquals(2, badBatch.status(), badBatch.toString());
        assertTrue(badBatch.err().contains("--batch-size must be 1..1000"), badBatch.err());
        Cli.Result badNs = Cli.run("ingest", file.toString(), "--ns", "no/slash");
        assertEquals(2, badNs.status());
        Cli.Result help = Cli.run("ingest", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--api-key"), help.out());
    }

    @Test
    void theApiKeyIsSentButNeverPrinted() throws Exception {
        Path file = vectors(1);
        String secret = "sk-very-secret-0123456789";
        try (FakeServer s = new FakeServer(r -> Reply.json(401, "{\"status\":401,\"detail\":\"invalid key\"}"))) {
            Cli.Result r = Cli.run("ingest", file.toString(), "--ns", "docs", "--url", s.url(), "--api-key", secret);
            assertEquals(1, r.status(), r.toString());
            assertEquals("Bearer " + secret, s.requests.get(0).header("Authorization"));
            assertTrue(r.err().contains("401"), r.err());
            assertFalse(r.out().contains(secret) || r.err().contains(secret), r.toString());
        }
    }

    @Test
    void progressLineShowsShareRateAndEta() {
        Progress p = new Progress(new PrintWriter(new StringWriter()), 1000, false, () -> 0);
        String line = p.line(250, 500, 10_000_000_000L);
        assertTrue(line.contains(" 25%"), line);
        assertTrue(line.contains("500 records"), line);
        assertTrue(line.contains("50/s"), line);
        assertTrue(line.contains("ETA 0:30"), line);
        assertNotNull(IngestCommand.defaultState(Path.of("x.jsonl"), "ns"));
    }
}
