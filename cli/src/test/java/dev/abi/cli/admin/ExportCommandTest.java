package dev.abi.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.cli.Cli;
import dev.abi.cli.FakeServer;
import dev.abi.cli.FakeServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code abi export}: pages of API v1.1's list call to JSONL, and a plain message where the server lacks it. */
class ExportCommandTest {

    @TempDir
    Path dir;

    @Test
    void pagesThroughTheListCallAtTheFirstPagesVersion() throws Exception {
        try (FakeServer s = new FakeServer(r -> r.path().contains("cursor=")
                ? Reply.json(200, "{\"vectors\":[{\"id\":\"c\",\"values\":[3]}],\"version\":9}")
                : Reply.json(
                        200,
                        "{\"vectors\":[{\"id\":\"a\",\"values\":[1]},{\"id\":\"b\",\"values\":[2]}],"
                                + "\"nextCursor\":\"b\",\"version\":9}"))) {
            Path out = dir.resolve("out.jsonl");
            Cli.Result r = Cli.run("export", "--ns", "docs", "--out", out.toString(), "--url", s.url());
            assertEquals(0, r.status(), r.toString());
            assertEquals(
                    List.of(
                            "{\"id\":\"a\",\"values\":[1]}",
                            "{\"id\":\"b\",\"values\":[2]}",
                            "{\"id\":\"c\",\"values\":[3]}"),
                    Files.readAllLines(out));
            assertEquals(
                    "/v1/namespaces/docs/vectors?limit=1000&includeValues=true&includeAttributes=true"
                            + "&asOfVersion=9&cursor=b",
                    s.requests.get(1).path());
        }
    }

    @Test
    void aServerWithoutTheListCallIsToldApartFromAMissingNamespace() throws Exception {
        try (FakeServer s = new FakeServer(r -> r.path().contains("/vectors")
                ? Reply.json(405, "{\"status\":405}")
                : Reply.json(200, "{\"name\":\"docs\"}"))) {
            Cli.Result r = Cli.run("export", "--ns", "docs", "--url", s.url());
            assertEquals(1, r.status(), r.toString());
            assertTrue(r.err().contains("does not serve GET /v1/namespaces/{ns}/vectors"), r.err());
        }
        try (FakeServer s = new FakeServer(r -> Reply.json(404, "{\"status\":404}"))) {
            Cli.Result r = Cli.run("export", "--ns", "gone", "--url", s.url());
            assertEquals(1, r.status(), r.toString());
            assertEquals("abi: namespace 'gone' does not exist", r.err().trim());
        }
    }
}
