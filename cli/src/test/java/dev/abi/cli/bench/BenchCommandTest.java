package dev.abi.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.cli.Cli;
import dev.abi.cli.FakeServer;
import dev.abi.cli.FakeServer.Reply;
import dev.abi.cli.Json;
import dev.abi.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code abi bench inference} on stories260K and {@code abi bench query} against a fake server; shapes, not speeds. */
class BenchCommandTest {

    private static final Path MODEL = SharedFixtures.path("models", "stories260K", "stories260K-Q8_0.gguf");

    /** Skips (or, under CI, has already failed in {@link SharedFixtures}) without the shared model. */
    private static void sharedModel() {
        assumeTrue(Files.isRegularFile(MODEL), "no shared model at " + MODEL);
    }

    @Test
    void inferenceGivesAPromptAndAGenerationRowPerModel() throws Exception {
        sharedModel();
        Cli.Result r = Cli.run(
                "bench",
                "inference",
                "-m",
                MODEL.toString(),
                "-p",
                "16",
                "-n",
                "8",
                "-r",
                "2",
                "-t",
                "1",
                "-o",
                "json");
        assertEquals(0, r.status(), r.toString());
        JsonNode rows = Json.MAPPER.readTree(r.out());
        assertEquals(2, rows.size(), r.out());
        assertEquals("pp16", rows.get(0).get("test").asText());
        assertEquals("tg8", rows.get(1).get("test").asText());
        assertTrue(rows.get(0).get("t/s").asDouble() > 0, r.out());
        Cli.Result md = Cli.run("bench", "inference", "-m", MODEL.toString(), "-p", "4", "-n", "0", "-r", "1");
        assertTrue(md.out().startsWith("| model | size MiB | threads | test | t/s | std |"), md.out());
    }

    @Test
    void inferenceRefusesMoreTokensThanTheContext() {
        sharedModel();
        Cli.Result r = Cli.run("bench", "inference", "-m", MODEL.toString(), "-p", "500", "-n", "8");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("exceeds the model's context of 128 tokens"), r.err());
    }

    @Test
    void queryReportsEveryRequestAndItsPercentiles() throws Exception {
        try (FakeServer s = new FakeServer(q -> q.method().equals("GET")
                ? Reply.json(200, "{\"name\":\"docs\",\"dimension\":3}")
                : Reply.json(200, "{\"matches\":[],\"version\":1}"))) {
            Cli.Result r = Cli.run(
                    "bench",
                    "query",
                    "--ns",
                    "docs",
                    "--requests",
                    "20",
                    "--warmup",
                    "2",
                    "-c",
                    "3",
                    "-o",
                    "csv",
                    "--url",
                    s.url());
            assertEquals(0, r.status(), r.toString());
            assertEquals(1 + 2 + 20, s.requests.size());
            assertEquals(
                    3,
                    Json.MAPPER.readTree(s.requests.get(1).body()).get("vector").size());
            String[] lines = r.out().split("\n");
            assertEquals(
                    "namespace,dimension,topK,concurrency,requests,failed,QPS,p50 ms,p90 ms,p99 ms,max ms", lines[0]);
            assertTrue(lines[1].startsWith("docs,3,10,3,20,0,"), lines[1]);
        }
    }

    @Test
    void queryRefusesZeroClients() {
        Cli.Result r = Cli.run("bench", "query", "--ns", "docs", "-c", "0");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--concurrency must be at least 1"), r.err());
    }

    @Test
    void percentilesAreNearestRank() {
        Stats s = Stats.of(new double[] {5, 1, 4, 2, 3, 6, 7, 8, 9, 10});
        assertEquals(5, s.percentile(50));
        assertEquals(9, s.percentile(90));
        assertEquals(10, s.percentile(99));
        assertEquals(5.5, s.mean());
        assertEquals(3.0277, s.std(), 1e-4);
    }
}
