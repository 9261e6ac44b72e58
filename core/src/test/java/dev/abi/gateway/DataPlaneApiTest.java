package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentIndex;
import dev.abi.gateway.auth.Role;
import dev.abi.inference.Embedder;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The data-plane calls of API v1.1 through the gateway: happy paths, bad input naming the field, cursors, asOf. */
class DataPlaneApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private NamespaceService namespaces;
    private Gateway gateway;

    @BeforeEach
    void setUp() {
        namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()), Runnable::run);
        DocumentIndex documents = new DocumentIndex(
                namespaces,
                FixedEmbedder::named,
                "model-a",
                new Chunker.Options(16, 2),
                DocumentIndex.Limits.defaults());
        gateway = Gateway.builder(namespaces).documents(documents).build();
    }

    private HttpResponse call(String method, String path, String body) {
        Map<String, String> query = new HashMap<>();
        int q = path.indexOf('?');
        if (q >= 0) {
            for (String kv : path.substring(q + 1).split("&")) {
                query.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            path = path.substring(0, q);
        }
        return gateway.handle(new HttpRequest(
                method, path, query, Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    }

    private JsonNode ok(int status, HttpResponse r) throws Exception {
        assertEquals(status, r.status(), r.bodyText());
        return JSON.readTree(r.body());
    }

    private JsonNode ok(HttpResponse r) throws Exception {
        return ok(200, r);
    }

    /** Asserts a 4xx problem whose first error names {@code field}. */
    private JsonNode problem(int status, HttpResponse r, String field) throws Exception {
        assertEquals(status, r.status(), r.bodyText());
        JsonNode p = JSON.readTree(r.body());
        if (field != null) {
            assertEquals(field, p.get("errors").get(0).get("field").asText(), p.toString());
        }
        return p;
    }

    /** Upserts v0..v{n-1} (values [i,1]) with attribute {@code n} = i and {@code even}. */
    private long upsert(String ns, int from, int to) throws Exception {
        StringBuilder sb = new StringBuilder("{\"vectors\":[");
        for (int i = from; i < to; i++) {
            sb.append(i == from ? "" : ",")
                    .append("{\"id\":\"v")
                    .append(String.format("%02d", i))
                    .append("\",\"values\":[")
                    .append(i)
                    .append(",1],\"attributes\":{\"n\":")
                    .append(i)
                    .append(",\"even\":")
                    .append(i % 2 == 0)
                    .append("}}");
        }
        return ok(call(
                        "POST",
                        "/v1/namespaces/" + ns + "/vectors",
                        sb.append("]}").toString()))
                .get("version")
                .asLong();
    }

    private static List<String> ids(JsonNode vectors) {
        List<String> out = new ArrayList<>();
        vectors.forEach(v -> out.add(v.get("id").asText()));
        return out;
    }

    // --- namespace listing

    @Test
    void namespacesArePagedInAscendingOrderWithPrefixAndCursor() throws Exception {
        for (String ns : List.of("b-x", "a", "b", "a-1", "c")) {
            upsert(ns, 0, 1);
        }
        JsonNode first = ok(call("GET", "/v1/namespaces?limit=2", null));
        assertEquals(List.of("a", "a-1"), names(first));
        JsonNode second = ok(call(
                "GET",
                "/v1/namespaces?limit=2&cursor=" + first.get("nextCursor").asText(),
                null));
        assertEquals(List.of("b", "b-x"), names(second));
        JsonNode last = ok(call(
                "GET",
                "/v1/namespaces?limit=2&cursor=" + second.get("nextCursor").asText(),
                null));
        assertEquals(List.of("c"), names(last));
        assertFalse(last.has("nextCursor"), "the last page has no cursor");
        JsonNode prefixed = ok(call("GET", "/v1/namespaces?prefix=b", null));
        assertEquals(List.of("b", "b-x"), names(prefixed));
        assertFalse(prefixed.has("nextCursor"));
        assertEquals(5, names(ok(call("GET", "/v1/namespaces", null))).size());
    }

    @Test
    void aFullPageEndingExactlyAtTheLastNameHasNoCursor() throws Exception {
        upsert("a", 0, 1);
        upsert("b", 0, 1);
        assertFalse(ok(call("GET", "/v1/namespaces?limit=2", null)).has("nextCursor"));
        assertEquals(List.of(), names(ok(call("GET", "/v1/namespaces?prefix=zz", null))));
    }

    @ParameterizedTest
    @CsvSource({
        "limit=0,limit",
        "limit=1001,limit",
        "limit=x,limit",
        "cursor=!!,cursor",
        "cursor=czox,cursor",
        "prefix=a.b,prefix"
    })
    void badListingParametersAre400NamingThem(String param, String field) throws Exception {
        problem(400, call("GET", "/v1/namespaces?" + param, null), field);
    }

    private static List<String> names(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("namespaces").forEach(n -> out.add(n.get("name").asText()));
        return out;
    }

    // --- scan

    @Test
    void aScanPagesIdsAscendingAndEveryPageReadsTheVersionOfTheFirst() throws Exception {
        long v = upsert("docs", 0, 5);
        JsonNode first = ok(call(
                "GET", "/v1/namespaces/docs/vectors?limit=2&includeValues=true" + "&includeAttributes=true", null));
        assertEquals(List.of("v00", "v01"), ids(first.get("vectors")));
        assertEquals(v, first.get("version").asLong());
        assertEquals(1.0, first.get("vectors").get(1).get("values").get(0).asDouble());
        assertEquals(1, first.get("vectors").get(1).get("attributes").get("n").asInt());
        // writes between pages do not show: the scan stays on its first page's version
        upsert("docs", 5, 7);
        ok(call("POST", "/v1/namespaces/docs/vectors/delete", "{\"ids\":[\"v02\"]}"));
        List<String> seen = new ArrayList<>(ids(first.get("vectors")));
        String cursor = first.get("nextCursor").asText();
        while (cursor != null) {
            JsonNode page = ok(call("GET", "/v1/namespaces/docs/vectors?limit=2&cursor=" + cursor, null));
            assertEquals(v, page.get("version").asLong());
            assertFalse(page.get("vectors").get(0).has("values"), "values are off by default");
            seen.addAll(ids(page.get("vectors")));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
        }
        assertEquals(List.of("v00", "v01", "v02", "v03", "v04"), seen);
        JsonNode now = ok(call("GET", "/v1/namespaces/docs/vectors?limit=1000", null));
        assertEquals(List.of("v00", "v01", "v03", "v04", "v05", "v06"), ids(now.get("vectors")));
        assertFalse(now.has("nextCursor"));
    }

    @Test
    void aScanAsOfAVersionReadsThatVersion() throws Exception {
        long v = upsert("docs", 0, 2);
        upsert("docs", 2, 4);
        JsonNode past = ok(call("GET", "/v1/namespaces/docs/vectors?asOfVersion=" + v, null));
        assertEquals(List.of("v00", "v01"), ids(past.get("vectors")));
        assertEquals(v, past.get("version").asLong());
        problem(404, call("GET", "/v1/namespaces/docs/vectors?asOfVersion=99", null), null);
        JsonNode empty = ok(call("GET", "/v1/namespaces/docs/vectors?asOfVersion=0", null));
        assertEquals(0, empty.get("vectors").size());
    }

    @ParameterizedTest
    @CsvSource({
        "limit=0,limit",
        "includeValues=yes,includeValues",
        "asOfVersion=-1,asOfVersion",
        "cursor=bjpl,cursor",
        "cursor=czo1,cursor"
    })
    void badScanParametersAre400NamingThem(String param, String field) throws Exception {
        upsert("docs", 0, 1);
        problem(400, call("GET", "/v1/namespaces/docs/vectors?" + param, null), field);
    }

    @Test
    void aCursorWithAnotherAsOfVersionIs400() throws Exception {
        upsert("docs", 0, 3);
        String cursor = ok(call("GET", "/v1/namespaces/docs/vectors?limit=1", null))
                .get("nextCursor")
                .asText();
        problem(400, call("GET", "/v1/namespaces/docs/vectors?asOfVersion=0&cursor=" + cursor, null), "asOfVersion");
    }

    // --- batch get

    @Test
    void batchGetAnswersFoundAndMissingFromOneVersion() throws Exception {
        long v = upsert("docs", 0, 3);
        JsonNode r = ok(call(
                "POST",
                "/v1/namespaces/docs/vectors/get",
                "{\"ids\":[\"v02\",\"nope\",\"v00\",\"v02\"],\"includeValues\":false}"));
        assertEquals(List.of("v02", "v00"), ids(r.get("vectors")));
        assertFalse(r.get("vectors").get(0).has("values"));
        assertEquals(2, r.get("vectors").get(0).get("attributes").get("n").asInt());
        assertEquals("[\"nope\"]", r.get("missing").toString());
        assertEquals(v, r.get("version").asLong());
        ok(call("POST", "/v1/namespaces/docs/vectors/delete", "{\"ids\":[\"v00\"]}"));
        JsonNode past = ok(call(
                "POST", "/v1/namespaces/docs/vectors/get", "{\"ids\":[\"v00\"],\"asOf\":{\"version\":" + v + "}}"));
        assertEquals(List.of("v00"), ids(past.get("vectors")));
    }

    @Test
    void badBatchGetsAre400NamingTheField() throws Exception {
        upsert("docs", 0, 1);
        problem(400, call("POST", "/v1/namespaces/docs/vectors/get", "{\"ids\":[]}"), "ids");
        problem(400, call("POST", "/v1/namespaces/docs/vectors/get", "{\"ids\":[\"a\",7]}"), "ids[1]");
        problem(
                400,
                call(
                        "POST",
                        "/v1/namespaces/docs/vectors/get",
                        GatewayTest.vectors(1, 1)
                                .replace("vectors", "ids")
                                .replace("{\"id\":\"v0\",\"values\":[0.5]}", idList(1001))),
                "ids");
        problem(404, call("POST", "/v1/namespaces/none/vectors/get", "{\"ids\":[\"a\"]}"), null);
    }

    private static String idList(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "\"" : ",\"").append("i").append(i).append('"');
        }
        return sb.toString();
    }

    // --- delete by filter

    @Test
    void deleteByFilterDeletesWhatMatchesInOneCommit() throws Exception {
        long v = upsert("docs", 0, 6);
        JsonNode r = ok(call("POST", "/v1/namespaces/docs/vectors/delete", "{\"filter\":{\"even\":true}}"));
        assertEquals(3, r.get("deleted").asInt());
        assertEquals(v + 1, r.get("version").asLong());
        assertEquals(
                List.of("v01", "v03", "v05"),
                ids(ok(call("GET", "/v1/namespaces/docs/vectors", null)).get("vectors")));
        JsonNode none = ok(call("POST", "/v1/namespaces/docs/vectors/delete", "{\"filter\":{\"n\":{\"$gt\":99}}}"));
        assertEquals(0, none.get("deleted").asInt());
        assertEquals(v + 1, none.get("version").asLong(), "nothing matched: nothing committed");
        // the deleted ones are still there as of the version before
        assertEquals(
                6,
                ok(call("GET", "/v1/namespaces/docs/vectors?asOfVersion=" + v, null))
                        .get("vectors")
                        .size());
    }

    @Test
    void deleteNeedsExactlyOneOfIdsAndFilter() throws Exception {
        upsert("docs", 0, 1);
        problem(400, call("POST", "/v1/namespaces/docs/vectors/delete", "{}"), "ids");
        problem(
                400,
                call("POST", "/v1/namespaces/docs/vectors/delete", "{\"ids\":[\"v00\"],\"filter\":{\"n\":0}}"),
                "filter");
        problem(400, call("POST", "/v1/namespaces/docs/vectors/delete", "{\"filter\":{}}"), "filter");
        problem(
                400,
                call("POST", "/v1/namespaces/docs/vectors/delete", "{\"filter\":{\"n\":{\"$near\":1}}}"),
                "filter.n.$near");
    }

    // --- patch

    @Test
    void patchMergesAttributesKeepsValuesAndRemovesNulls() throws Exception {
        long v = upsert("docs", 0, 2);
        JsonNode r = ok(call(
                "PATCH",
                "/v1/namespaces/docs/vectors",
                "{\"vectors\":[{\"id\":\"v01\",\"attributes\":{\"lang\":\"en\",\"even\":null}},"
                        + "{\"id\":\"gone\",\"attributes\":{\"x\":1}}]}"));
        assertEquals(1, r.get("patched").asInt());
        assertEquals("[\"gone\"]", r.get("missing").toString());
        assertEquals(v + 1, r.get("version").asLong());
        JsonNode got = ok(call("GET", "/v1/namespaces/docs/vectors/v01", null));
        // attribute order is not part of the contract: compare as JSON objects
        assertEquals(JSON.readTree("{\"n\":1,\"lang\":\"en\"}"), got.get("attributes"));
        assertEquals("[1.0,1.0]", got.get("values").toString());
        JsonNode before = ok(call(
                "POST", "/v1/namespaces/docs/vectors/get", "{\"ids\":[\"v01\"],\"asOf\":{\"version\":" + v + "}}"));
        assertTrue(before.get("vectors").get(0).get("attributes").has("even"), "the past keeps its attributes");
        JsonNode nothing = ok(call(
                "PATCH", "/v1/namespaces/docs/vectors", "{\"vectors\":[{\"id\":\"gone\",\"attributes\":{\"x\":1}}]}"));
        assertEquals(0, nothing.get("patched").asInt());
        assertEquals(v + 1, nothing.get("version").asLong(), "nothing found: nothing committed");
    }

    @Test
    void badPatchesAre400NamingTheField() throws Exception {
        upsert("docs", 0, 1);
        problem(400, call("PATCH", "/v1/namespaces/docs/vectors", "{\"vectors\":[]}"), "vectors");
        problem(
                400,
                call("PATCH", "/v1/namespaces/docs/vectors", "{\"vectors\":[{\"id\":\"v00\"}]}"),
                "vectors[0].attributes");
        problem(
                400,
                call(
                        "PATCH",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"v00\",\"values\":[1,2],\"attributes\":{\"a\":1}}]}"),
                "vectors[0].values");
        problem(
                400,
                call(
                        "PATCH",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"v00\",\"attributes\":{\"a\":{\"b\":1}}}]}"),
                "vectors[0].attributes.a");
        problem(
                400,
                call(
                        "PATCH",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"v00\",\"attributes\":{\"abi.text\":\"x\"}}]}"),
                "vectors[0].attributes.abi.text");
    }

    // --- several queries, query by id

    @Test
    void severalQueriesAreAnsweredFromOneVersion() throws Exception {
        long v = upsert("docs", 0, 4);
        JsonNode r = ok(call(
                "POST",
                "/v1/namespaces/docs/query",
                "{\"queries\":["
                        + "{\"vector\":[3,1],\"topK\":1,\"metric\":null},"
                        + "{\"id\":\"v00\",\"topK\":2,\"includeAttributes\":true},"
                        + "{\"vector\":[1,1],\"topK\":4,\"filter\":{\"even\":true}}]}"));
        assertEquals(v, r.get("version").asLong());
        JsonNode results = r.get("results");
        assertEquals(3, results.size());
        assertEquals(List.of("v03"), ids(results.get(0).get("matches")));
        assertEquals("v00", results.get(1).get("matches").get(0).get("id").asText());
        assertTrue(results.get(1).get("matches").get(0).has("attributes"));
        assertFalse(results.get(0).get("matches").get(0).has("attributes"));
        assertEquals(2, results.get(2).get("matches").size());
        JsonNode past = ok(call(
                "POST", "/v1/namespaces/docs/query", "{\"queries\":[{\"vector\":[1,1]}],\"asOf\":{\"version\":0}}"));
        assertEquals(0, past.get("results").get(0).get("matches").size());
        assertEquals(0, past.get("version").asLong());
    }

    @Test
    void aQueryByIdSearchesWithTheStoredValues() throws Exception {
        long v = upsert("docs", 0, 3);
        JsonNode r = ok(call("POST", "/v1/namespaces/docs/query", "{\"id\":\"v02\",\"topK\":1}"));
        assertEquals(List.of("v02"), ids(r.get("matches")));
        assertEquals(v, r.get("version").asLong());
        problem(404, call("POST", "/v1/namespaces/docs/query", "{\"id\":\"absent\"}"), null);
        ok(call("POST", "/v1/namespaces/docs/vectors/delete", "{\"ids\":[\"v02\"]}"));
        problem(404, call("POST", "/v1/namespaces/docs/query", "{\"id\":\"v02\"}"), null);
        JsonNode past = ok(call(
                "POST", "/v1/namespaces/docs/query", "{\"id\":\"v02\",\"topK\":1,\"asOf\":{\"version\":" + v + "}}"));
        assertEquals(List.of("v02"), ids(past.get("matches")), "asOf finds the id where it was");
    }

    @Test
    void badQueryBatchesAre400NamingTheField() throws Exception {
        upsert("docs", 0, 1);
        StringBuilder many = new StringBuilder("{\"queries\":[");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("{\"vector\":[1,1]}");
        }
        problem(400, call("POST", "/v1/namespaces/docs/query", many.append("]}").toString()), "queries");
        problem(400, call("POST", "/v1/namespaces/docs/query", "{\"queries\":[]}"), "queries");
        problem(
                400,
                call("POST", "/v1/namespaces/docs/query", "{\"queries\":[{\"vector\":[1,1]}],\"vector\":[1,1]}"),
                "vector");
        problem(
                400,
                call(
                        "POST",
                        "/v1/namespaces/docs/query",
                        "{\"queries\":[{\"vector\":[1,1]},{\"vector\":[1,1],\"asOf\":{\"version\":0}}]}"),
                "queries[1].asOf");
        problem(
                400,
                call(
                        "POST",
                        "/v1/namespaces/docs/query",
                        "{\"queries\":[{\"vector\":[1,1]},{\"topK\":0," + "\"vector\":[1,1]}]}"),
                "queries[1].topK");
        problem(
                400,
                call("POST", "/v1/namespaces/docs/query", "{\"queries\":[{\"vector\":[1,1,1]}]}"),
                "queries[0].vector");
        problem(
                400,
                call("POST", "/v1/namespaces/docs/query", "{\"queries\":[{\"id\":\"v00\",\"vector\":[1,1]}]}"),
                "queries[0].vector");
        problem(400, call("POST", "/v1/namespaces/docs/query", "{\"id\":\"v00\",\"vector\":[1,1]}"), "vector");
        problem(400, call("POST", "/v1/namespaces/docs/query", "{\"id\":\"\"}"), "id");
    }

    // --- read consistency

    @Test
    void everyQueryFormTakesAConsistencyAndABadOneIs400NamingIt() throws Exception {
        long v = upsert("docs", 0, 3);
        for (String c : List.of("strong", "eventual")) {
            String field = ",\"consistency\":\"" + c + "\"";
            assertEquals(
                    v,
                    ok(call("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,1]" + field + "}"))
                            .get("version")
                            .asLong());
            assertEquals(
                    v,
                    ok(call("POST", "/v1/namespaces/docs/query", "{\"id\":\"v01\"" + field + "}"))
                            .get("version")
                            .asLong());
            assertEquals(
                    v,
                    ok(call("POST", "/v1/namespaces/docs/query", "{\"text\":\"hello\"" + field + "}"))
                            .get("version")
                            .asLong());
            assertEquals(
                    v,
                    ok(call(
                                    "POST",
                                    "/v1/namespaces/docs/query",
                                    "{\"queries\":[{\"vector\":[1,1]},{\"id\":\"v00\"}]" + field + "}"))
                            .get("version")
                            .asLong());
        }
        ok(call("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,1],\"consistency\":null}"));
        for (String bad : List.of("\"Strong\"", "\"linearizable\"", "\"\"", "1", "true", "{}", "[\"strong\"]")) {
            JsonNode p = problem(
                    400,
                    call("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,1],\"consistency\":" + bad + "}"),
                    "consistency");
            assertTrue(p.toString().contains("strong") && p.toString().contains("eventual"), p.toString());
            problem(
                    400,
                    call(
                            "POST",
                            "/v1/namespaces/docs/query",
                            "{\"queries\":[{\"vector\":[1,1]}],\"consistency\":" + bad + "}"),
                    "consistency");
            problem(
                    400,
                    call("POST", "/v1/namespaces/docs/query", "{\"id\":\"v00\",\"consistency\":" + bad + "}"),
                    "consistency");
        }
        problem(
                400,
                call(
                        "POST",
                        "/v1/namespaces/docs/query",
                        "{\"queries\":[{\"vector\":[1,1]},{\"vector\":[1,1],\"consistency\":\"eventual\"}]}"),
                "queries[1].consistency");
    }

    @Test
    void aWarmQueryCostsOneGetAndAnEventualOneWithinTheBoundNone() throws Exception {
        dev.abi.store.MutableClock clock = new dev.abi.store.MutableClock(1_800_000_000_000L);
        dev.abi.store.CountingObjectStore counted =
                new dev.abi.store.CountingObjectStore(new InMemoryObjectStore(clock));
        NamespaceService service = new NamespaceService(
                new NamespaceStore(
                        counted,
                        new dev.abi.store.ObjectMetadataStore(counted, clock),
                        clock,
                        NamespaceStore.Options.DEFAULTS),
                Runnable::run,
                100,
                dev.abi.namespace.ReadPolicy.DEFAULTS);
        Gateway g = Gateway.builder(service).build();
        java.util.function.Function<String, HttpResponse> query = body -> g.handle(new HttpRequest(
                "POST", "/v1/namespaces/docs/query", Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(
                200,
                g.handle(new HttpRequest(
                                "POST",
                                "/v1/namespaces/docs/vectors",
                                Map.of(),
                                Map.of(),
                                "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}".getBytes(StandardCharsets.UTF_8)))
                        .status());
        assertEquals(200, query.apply("{\"vector\":[1,0]}").status()); // cold: loads the state
        for (String body : List.of(
                "{\"vector\":[1,0]}",
                "{\"vector\":[0,1],\"consistency\":\"strong\"}",
                "{\"id\":\"a\"}",
                "{\"queries\":[{\"vector\":[1,0]},{\"id\":\"a\"}]}")) {
            counted.reset();
            assertEquals(200, query.apply(body).status());
            assertEquals(1, counted.count(dev.abi.store.FaultyObjectStore.Op.GET), body + " " + counted.summary());
            assertEquals(1, counted.total(), body + " " + counted.summary());
        }
        counted.reset();
        assertEquals(
                200,
                query.apply("{\"vector\":[1,0],\"consistency\":\"eventual\"}").status());
        assertEquals(0, counted.total(), "checked a moment ago: answered from the state " + counted.summary());
        clock.advance(java.time.Duration.ofMillis(251));
        counted.reset();
        assertEquals(
                200,
                query.apply("{\"vector\":[1,0],\"consistency\":\"eventual\"}").status());
        assertEquals(1, counted.total(), "past the bound: checked first " + counted.summary());
    }

    // --- compaction on demand

    @Test
    void compactionIsAnAdminCallThatFoldsTheLog() throws Exception {
        long v = upsert("docs", 0, 2);
        JsonNode r = ok(202, call("POST", "/v1/namespaces/docs/compact", null));
        assertEquals(v, r.get("version").asLong());
        assertEquals(v, namespaces.indexedThrough("docs"));
        problem(404, call("POST", "/v1/namespaces/none/compact", null), null);
        Router.RouteInfo route = gateway.routes().stream()
                .filter(ri -> ri.method().equals("POST") && ri.pattern().equals("/v1/namespaces/{ns}/compact"))
                .findFirst()
                .orElseThrow();
        assertEquals(Role.ADMIN, route.role());
    }

    // --- embedding model

    @Test
    void theFirstDocumentsUpsertRecordsTheModelAndTextQueriesUseIt() throws Exception {
        ok(call(
                "POST",
                "/v1/namespaces/docs/documents",
                "{\"documents\":[{\"id\":\"d\",\"text\":\"hello\"}],\"model\":\"model-b\"}"));
        assertEquals(
                "model-b",
                ok(call("GET", "/v1/namespaces/docs", null))
                        .get("embeddingModel")
                        .asText());
        // without model the query embeds with model-b: its vector is [0,1], so the chunk is at distance 0
        JsonNode hit = ok(call("POST", "/v1/namespaces/docs/query", "{\"text\":\"hello\",\"topK\":1}"));
        assertEquals(0.0, hit.get("matches").get(0).get("distance").asDouble(), 1e-6);
        JsonNode batch = ok(call("POST", "/v1/namespaces/docs/query", "{\"queries\":[{\"text\":\"hi\"}]}"));
        assertEquals(
                0.0,
                batch.get("results")
                        .get(0)
                        .get("matches")
                        .get(0)
                        .get("distance")
                        .asDouble(),
                1e-6);
        JsonNode conflict = problem(
                409, call("POST", "/v1/namespaces/docs/query", "{\"text\":\"hello\",\"model\":\"model-a\"}"), "model");
        assertTrue(
                conflict.get("detail").asText().contains("'model-b'")
                        && conflict.get("detail").asText().contains("'model-a'"),
                conflict.toString());
        problem(
                409,
                call(
                        "POST",
                        "/v1/namespaces/docs/documents",
                        "{\"documents\":[{\"id\":\"e\",\"text\":\"x\"}],\"model\":\"model-a\"}"),
                "model");
        ok(call("POST", "/v1/namespaces/docs/documents", "{\"documents\":[{\"id\":\"e\",\"text\":\"x\"}]}"));
        assertEquals(
                "model-b",
                ok(call("GET", "/v1/namespaces/docs", null))
                        .get("embeddingModel")
                        .asText());
    }

    @Test
    void aNamespaceCreatedWithAModelKeepsItAndAnotherIs409() throws Exception {
        JsonNode created =
                ok(201, call("PUT", "/v1/namespaces/docs", "{\"dimension\":2,\"embeddingModel\":\"model-a\"}"));
        assertEquals("model-a", created.get("embeddingModel").asText());
        ok(call("PUT", "/v1/namespaces/docs", "{\"dimension\":2,\"embeddingModel\":\"model-a\"}"));
        problem(409, call("PUT", "/v1/namespaces/docs", "{\"dimension\":2,\"embeddingModel\":\"model-b\"}"), "model");
        problem(400, call("PUT", "/v1/namespaces/other", "{\"dimension\":2,\"embeddingModel\":7}"), "embeddingModel");
        assertNull(ok(201, call("PUT", "/v1/namespaces/plain", "{\"dimension\":2}"))
                .get("embeddingModel"));
    }

    /** Embeds every text as one fixed unit vector per model: [1,0] for model-a, [0,1] for model-b. */
    private record FixedEmbedder(String name, float[] vector) implements Embedder {

        static Embedder named(String model) {
            return switch (model) {
                case "model-a" -> new FixedEmbedder(model, new float[] {1f, 0f});
                case "model-b" -> new FixedEmbedder(model, new float[] {0f, 1f});
                default -> throw new IllegalArgumentException("unknown model " + model);
            };
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public int maxTokens() {
            return 64;
        }

        @Override
        public int[] tokenize(String text) {
            return new int[countTokens(text) + 2];
        }

        @Override
        public int countTokens(String text) {
            return text.trim().split("\\s+").length;
        }

        @Override
        public float[][] embedTokens(List<int[]> inputs) {
            float[][] out = new float[inputs.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = vector.clone();
            }
            return out;
        }
    }
}
