package dev.abi.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.cli.Cli;
import dev.abi.cli.FakeServer;
import dev.abi.cli.FakeServer.Reply;
import dev.abi.cli.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code query}, {@code ns}, {@code versions}, {@code snapshot}, {@code restore} and {@code keys} against a fake
 * server: each sends the request of API.md and prints the reply; each refuses one bad input with exit status 2 (or
 * reports the server's refusal with 1), naming the problem.
 */
class AdminCommandsTest {

    private static FakeServer echo(int status, String body) throws Exception {
        return new FakeServer(r -> Reply.json(status, body));
    }

    private static JsonNode body(FakeServer s) throws Exception {
        return Json.MAPPER.readTree(s.requests.get(0).body());
    }

    @Test
    void queryByVectorWithFilterAndAsOf() throws Exception {
        try (FakeServer s = echo(200, "{\"matches\":[{\"id\":\"a\",\"distance\":0.1}],\"version\":3}")) {
            Cli.Result r = Cli.run(
                    "query",
                    "--ns",
                    "docs",
                    "--vector",
                    "0.9,0.1,0",
                    "-k",
                    "5",
                    "--filter",
                    "{\"lang\":\"en\"}",
                    "--as-of",
                    "2",
                    "--url",
                    s.url());
            assertEquals(0, r.status(), r.toString());
            assertEquals(
                    "POST /v1/namespaces/docs/query",
                    s.requests.get(0).method() + " " + s.requests.get(0).path());
            JsonNode b = body(s);
            assertEquals("[0.9,0.1,0.0]", b.get("vector").toString());
            assertEquals(5, b.get("topK").asInt());
            assertEquals("en", b.get("filter").get("lang").asText());
            assertEquals(2, b.get("asOf").get("version").asInt());
            assertEquals(
                    "a",
                    Json.MAPPER
                            .readTree(r.out())
                            .get("matches")
                            .get(0)
                            .get("id")
                            .asText());
        }
    }

    @Test
    void queryRefusesTwoQueryKindsAndABadFilter() {
        Cli.Result both = Cli.run("query", "--ns", "docs", "--vector", "1", "--text", "hi");
        assertEquals(2, both.status(), both.toString());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        Cli.Result filter = Cli.run("query", "--ns", "docs", "--text", "hi", "--filter", "{lang:");
        assertEquals(2, filter.status(), filter.toString());
        assertTrue(filter.err().contains("--filter is not JSON"), filter.err());
    }

    @Test
    void queryReportsTheServersProblemDetail() throws Exception {
        try (FakeServer s =
                echo(404, "{\"status\":404,\"detail\":\"namespace 'nope' not found\"," + "\"requestId\":\"r-1\"}")) {
            Cli.Result r = Cli.run("query", "--ns", "nope", "--text", "x", "--url", s.url());
            assertEquals(1, r.status(), r.toString());
            assertEquals(
                    "abi: POST /v1/namespaces/nope/query answered 404: namespace 'nope' not found (request id"
                            + " r-1)",
                    r.err().trim());
        }
    }

    @Test
    void nsListDescribeCreateDelete() throws Exception {
        List<String> seen = new ArrayList<>();
        try (FakeServer s = new FakeServer(r -> {
            seen.add(r.method() + " " + r.path());
            return switch (r.method()) {
                case "DELETE" -> new Reply(204, "", Map.of());
                case "PUT" -> Reply.json(201, "{\"name\":\"docs\",\"dimension\":3,\"metric\":\"l2\"}");
                default -> Reply.json(200, "{\"namespaces\":[{\"name\":\"docs\"}]}");
            };
        })) {
            assertEquals(
                    0, Cli.run("ns", "list", "--prefix", "do", "--url", s.url()).status());
            assertEquals(0, Cli.run("ns", "describe", "docs", "--url", s.url()).status());
            Cli.Result created =
                    Cli.run("ns", "create", "docs", "--dimension", "3", "--metric", "l2", "--url", s.url());
            assertEquals(0, created.status(), created.toString());
            assertEquals(
                    3,
                    Json.MAPPER
                            .readTree(s.requests.get(2).body())
                            .get("dimension")
                            .asInt());
            Cli.Result deleted = Cli.run("ns", "delete", "docs", "--url", s.url());
            assertEquals(0, deleted.status(), deleted.toString());
            assertTrue(deleted.out().contains("deleted namespace 'docs'"));
            assertEquals(
                    List.of(
                            "GET /v1/namespaces?prefix=do",
                            "GET /v1/namespaces/docs",
                            "PUT /v1/namespaces/docs",
                            "DELETE /v1/namespaces/docs"),
                    seen);
        }
    }

    @Test
    void nsRefusesABadMetricAndAMissingSubcommand() {
        Cli.Result metric = Cli.run("ns", "create", "docs", "--dimension", "3", "--metric", "hamming");
        assertEquals(2, metric.status(), metric.toString());
        assertTrue(metric.err().contains("--metric must be cosine, dot or l2"), metric.err());
        Cli.Result none = Cli.run("ns");
        assertEquals(2, none.status(), none.toString());
        assertTrue(none.err().contains("list, describe, create or delete"), none.err());
    }

    @Test
    void versionsSnapshotAndRestore() throws Exception {
        try (FakeServer s = echo(200, "{\"ok\":true}")) {
            assertEquals(
                    0,
                    Cli.run("versions", "--ns", "docs", "--limit", "5", "--url", s.url())
                            .status());
            assertEquals(
                    "/v1/namespaces/docs/versions?limit=5", s.requests.get(0).path());
            assertEquals(
                    0,
                    Cli.run("snapshot", "--ns", "docs", "before-cleanup", "--url", s.url())
                            .status());
            assertEquals(
                    "before-cleanup",
                    Json.MAPPER.readTree(s.requests.get(1).body()).get("name").asText());
            assertEquals(
                    0,
                    Cli.run("snapshot", "--ns", "docs", "--list", "--url", s.url())
                            .status());
            assertEquals("GET", s.requests.get(2).method());
            assertEquals(
                    0,
                    Cli.run("restore", "--ns", "docs", "--snapshot", "before-cleanup", "--url", s.url())
                            .status());
            assertEquals("{\"snapshot\":\"before-cleanup\"}", s.requests.get(3).body());
            assertEquals(
                    0,
                    Cli.run("restore", "--ns", "docs", "--version", "7", "--url", s.url())
                            .status());
            assertEquals("{\"version\":7}", s.requests.get(4).body());
        }
    }

    @Test
    void versionsSnapshotAndRestoreRefuseBadInput() {
        assertEquals(2, Cli.run("versions", "--ns", "docs", "--limit", "0").status());
        Cli.Result noName = Cli.run("snapshot", "--ns", "docs");
        assertEquals(2, noName.status());
        assertTrue(noName.err().contains("a SNAPSHOT name is required"), noName.err());
        Cli.Result when = Cli.run("restore", "--ns", "docs", "--timestamp", "yesterday");
        assertEquals(2, when.status());
        assertTrue(when.err().contains("--timestamp must be an ISO-8601 instant"), when.err());
        Cli.Result none = Cli.run("restore", "--ns", "docs");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("--version"), none.err());
    }

    @Test
    void keysCreateListRevoke() throws Exception {
        try (FakeServer s = new FakeServer(r -> switch (r.method()) {
            case "POST" -> Reply.json(201, "{\"id\":\"0123456789ab\",\"name\":\"w\",\"key\":\"abi_new_secret\"}");
            case "DELETE" -> new Reply(204, "", Map.of());
            default -> Reply.json(200, "{\"keys\":[{\"id\":\"0123456789ab\",\"name\":\"w\"}]}");
        })) {
            Cli.Result created = Cli.run(
                    "keys",
                    "create",
                    "--name",
                    "w",
                    "--grant",
                    "write:docs",
                    "--grant",
                    "read:*",
                    "--url",
                    s.url(),
                    "--api-key",
                    "admin-key-xyz");
            assertEquals(0, created.status(), created.toString());
            assertEquals("[\"write:docs\",\"read:*\"]", body(s).get("grants").toString());
            assertTrue(created.out().contains("abi_new_secret"), "the new key is shown once");
            assertFalse(created.out().contains("admin-key-xyz") || created.err().contains("admin-key-xyz"));
            assertEquals(0, Cli.run("keys", "list", "--url", s.url()).status());
            Cli.Result revoked = Cli.run("keys", "revoke", "0123456789ab", "--url", s.url());
            assertEquals(0, revoked.status(), revoked.toString());
            assertEquals(
                    "DELETE /v1/admin/keys/0123456789ab",
                    s.requests.get(2).method() + " " + s.requests.get(2).path());
        }
    }

    @Test
    void keysRefuseABadGrantAndABadId() {
        Cli.Result grant = Cli.run("keys", "create", "--name", "w", "--grant", "owner:docs");
        assertEquals(2, grant.status());
        assertTrue(grant.err().contains("--grant must be read|write|admin:NAMESPACE"), grant.err());
        Cli.Result id = Cli.run("keys", "revoke", "not-an-id");
        assertEquals(2, id.status());
        assertTrue(id.err().contains("12 hex digits"), id.err());
    }

    @Test
    void aServerThatIsNotThereIsNamed() {
        Cli.Result r = Cli.run("ns", "list", "--url", "http://127.0.0.1:1", "--max-attempts", "1");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().startsWith("abi: cannot reach http://127.0.0.1:1"), r.err());
        Cli.Result bad = Cli.run("ns", "list", "--url", "ftp://x");
        assertEquals(2, bad.status(), bad.toString());
        assertTrue(bad.err().contains("--url must be an http:// or https:// URL"), bad.err());
    }
}
