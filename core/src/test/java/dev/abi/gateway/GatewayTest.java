package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Gateway gateway;

    @BeforeEach
    void setUp() {
        gateway = new Gateway(
                new NamespaceService(new NamespaceStore(new InMemoryObjectStore())), Limits.defaults(), List.of());
        HttpResponse r = call(
                "POST",
                "/v1/namespaces/docs/vectors",
                "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0,0],\"attributes\":{\"lang\":\"en\"}}]}");
        assertEquals(200, r.status(), r.bodyText());
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

    static String vectors(int count, int dim) {
        StringBuilder sb = new StringBuilder("{\"vectors\":[");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(i).append("\",\"values\":[");
            for (int d = 0; d < dim; d++) {
                sb.append(d == 0 ? "" : ",").append("0.5");
            }
            sb.append("]}");
        }
        return sb.append("]}").toString();
    }

    static List<Arguments> badRequests() {
        String longId = "x".repeat(300);
        return List.of(
                Arguments.of("POST", "/v1/namespaces/docs/vectors", "{\"vectors\":[", "body"),
                Arguments.of("POST", "/v1/namespaces/docs/vectors", "[1,2]", "body"),
                Arguments.of("POST", "/v1/namespaces/docs/vectors", "{}", "vectors"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"b\",\"values\":[1,NaN,0]}]}",
                        "vectors[0].values[1]"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"b\",\"values\":[1,Infinity,0]}]}",
                        "vectors[0].values[1]"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"b\",\"values\":[1,1e39,0]}]}",
                        "vectors[0].values[1]"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"b\",\"values\":[1,\"2\",0]}]}",
                        "vectors[0].values[1]"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"b\",\"values\":[1,0]}]}",
                        "vectors[0].values"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"\",\"values\":[1,0,0]}]}",
                        "vectors[0].id"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"" + longId + "\",\"values\":[1,0,0]}]}",
                        "vectors[0].id"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":7,\"values\":[1,0,0]}]}",
                        "vectors[0].id"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/vectors",
                        "{\"vectors\":[{\"id\":\"b\",\"values\":[1,0,0],\"attributes\":{\"x\":{\"y\":1}}}]}",
                        "vectors[0].attributes.x"),
                Arguments.of("POST", "/v1/namespaces/docs/vectors", vectors(1001, 3), "vectors"),
                Arguments.of("POST", "/v1/namespaces/bad.name/vectors", vectors(1, 3), "namespace"),
                Arguments.of("POST", "/v1/namespaces/" + "n".repeat(65) + "/vectors", vectors(1, 3), "namespace"),
                Arguments.of("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,0,0],\"topK\":0}", "topK"),
                Arguments.of("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,0,0],\"topK\":1001}", "topK"),
                Arguments.of("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,0,0],\"topK\":2.5}", "topK"),
                Arguments.of("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,0]}", "vector"),
                Arguments.of("POST", "/v1/namespaces/docs/query", "{\"topK\":3}", "vector"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/query",
                        "{\"vector\":[1,0,0],\"filter\":{\"lang\":{\"$regex\":\"e\"}}}",
                        "filter.lang.$regex"),
                Arguments.of("POST", "/v1/namespaces/docs/query", "{\"vector\":[1,0,0],\"filter\":[1]}", "filter"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/query",
                        "{\"vector\":[1,0,0],\"includeValues\":\"yes\"}",
                        "includeValues"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/query",
                        "{\"vector\":[1,0,0],\"asOf\":{\"version\":-1}}",
                        "asOf.version"),
                Arguments.of("POST", "/v1/namespaces/docs/vectors/delete", "{\"ids\":[]}", "ids"),
                Arguments.of("POST", "/v1/namespaces/docs/vectors/delete", "{\"ids\":[1]}", "ids[0]"),
                Arguments.of("PUT", "/v1/namespaces/other", "{\"dimension\":0}", "dimension"),
                Arguments.of("PUT", "/v1/namespaces/other", "{\"dimension\":3,\"metric\":\"hamming\"}", "metric"),
                Arguments.of(
                        "POST",
                        "/v1/namespaces/docs/query",
                        "{\"vector\":[1,0,0],\"filter\":" + "{\"$not\":".repeat(70) + "{}" + "}".repeat(71),
                        "body"));
    }

    @ParameterizedTest(name = "{0} {1} -> 400 {3}")
    @MethodSource("badRequests")
    void everyBadRequestIsA400NamingTheField(String method, String path, String body, String field) throws Exception {
        HttpResponse r = call(method, path, body);
        assertEquals(400, r.status(), r.bodyText());
        assertEquals(HttpResponse.PROBLEM_JSON, r.headers().get("Content-Type"));
        JsonNode problem = JSON.readTree(r.body());
        assertEquals("https://abi.dev/problems/validation", problem.get("type").asText());
        assertEquals(400, problem.get("status").asInt());
        assertEquals(field, problem.get("errors").get(0).get("field").asText(), r.bodyText());
    }

    @Test
    void bodyOverSixMegabytesIs413() throws Exception {
        byte[] body = new byte[(int) Limits.SIX_MB + 1];
        HttpResponse r = gateway.handle(new HttpRequest("POST", "/v1/namespaces/docs/vectors", null, null, body));
        assertEquals(413, r.status());
        assertEquals(
                "https://abi.dev/problems/payload-too-large",
                JSON.readTree(r.body()).get("type").asText());
    }

    @Test
    void unknownThingsAre404And405CarriesAllow() {
        assertEquals(404, call("GET", "/v1/nothing", null).status());
        assertEquals(404, call("GET", "/v1/namespaces/nope", null).status());
        assertEquals(404, call("GET", "/v1/namespaces/docs/vectors/zzz", null).status());
        HttpResponse r = call("DELETE", "/v1/namespaces/docs/query", null);
        assertEquals(405, r.status());
        assertEquals("POST", r.headers().get("Allow"));
    }

    @Test
    void createIsIdempotentAndConflictIs409() {
        assertEquals(
                201,
                call("PUT", "/v1/namespaces/other", "{\"dimension\":3,\"metric\":\"l2\"}")
                        .status());
        assertEquals(
                200,
                call("PUT", "/v1/namespaces/other", "{\"dimension\":3,\"metric\":\"l2\"}")
                        .status());
        assertEquals(
                409,
                call("PUT", "/v1/namespaces/other", "{\"dimension\":4,\"metric\":\"l2\"}")
                        .status());
    }

    @Test
    void idsWithSlashesRoundTripThroughPercentEncoding() throws Exception {
        call("POST", "/v1/namespaces/docs/vectors", "{\"vectors\":[{\"id\":\"a/b c\",\"values\":[0,1,0]}]}");
        HttpResponse r = call("GET", "/v1/namespaces/docs/vectors/a%2Fb%20c", null);
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("a/b c", JSON.readTree(r.body()).get("id").asText());
    }

    @Test
    void routesWithoutAConfiguredModelSay501WithWhatIsMissing() throws Exception {
        HttpResponse r = call("POST", "/v1/namespaces/docs/documents", "{\"documents\":[]}");
        assertEquals(501, r.status());
        assertTrue(JSON.readTree(r.body()).get("detail").asText().contains("embedding model"), r.bodyText());
        HttpResponse q = call("POST", "/v1/namespaces/docs/query", "{\"text\":\"hello\"}");
        assertEquals(501, q.status(), q.bodyText());
    }

    @Test
    void versionsSnapshotsRestoreAndAsOfFollowTheContract() throws Exception {
        call("POST", "/v1/namespaces/hist/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0,0]}]}");
        call("POST", "/v1/namespaces/hist/vectors", "{\"vectors\":[{\"id\":\"b\",\"values\":[0,1,0]}]}");
        HttpResponse tagged = call("POST", "/v1/namespaces/hist/snapshots", "{\"name\":\"two\"}");
        assertEquals(201, tagged.status(), tagged.bodyText());
        assertEquals(2, JSON.readTree(tagged.body()).get("version").asInt());
        assertEquals(
                409,
                call("POST", "/v1/namespaces/hist/snapshots", "{\"name\":\"two\"}")
                        .status());
        call("POST", "/v1/namespaces/hist/vectors/delete", "{\"ids\":[\"a\",\"b\"]}");

        var versions = JSON.readTree(
                        call("GET", "/v1/namespaces/hist/versions", null).body())
                .get("versions");
        assertEquals(3, versions.get(0).get("version").asInt());
        assertEquals(2, versions.get(0).get("ops").asInt());
        assertTrue(versions.get(0).get("commitTs").asText().endsWith("Z"));

        HttpResponse past = call("POST", "/v1/namespaces/hist/query", "{\"vector\":[1,0,0],\"asOf\":{\"version\":1}}");
        assertEquals(200, past.status(), past.bodyText());
        assertEquals(1, JSON.readTree(past.body()).get("matches").size());
        assertEquals(1, JSON.readTree(past.body()).get("version").asInt());
        assertEquals(
                0,
                JSON.readTree(call("POST", "/v1/namespaces/hist/query", "{\"vector\":[1,0,0]}")
                                .body())
                        .get("matches")
                        .size());

        HttpResponse restored = call("POST", "/v1/namespaces/hist/restore", "{\"snapshot\":\"two\"}");
        assertEquals(200, restored.status(), restored.bodyText());
        assertEquals(2, JSON.readTree(restored.body()).get("restoredFrom").asInt());
        assertEquals(4, JSON.readTree(restored.body()).get("version").asInt());
        assertEquals(
                2,
                JSON.readTree(call("POST", "/v1/namespaces/hist/query", "{\"vector\":[1,0,0]}")
                                .body())
                        .get("matches")
                        .size());

        assertEquals(
                404,
                call("POST", "/v1/namespaces/hist/restore", "{\"version\":99}").status());
        assertEquals(
                404,
                call("POST", "/v1/namespaces/hist/restore", "{\"snapshot\":\"nope\"}")
                        .status());
        assertEquals(
                404,
                call("POST", "/v1/namespaces/hist/restore", "{\"timestamp\":\"2001-01-01T00:00:00Z\"}")
                        .status());
        assertEquals(
                404,
                call("POST", "/v1/namespaces/hist/query", "{\"vector\":[1,0,0],\"asOf\":{\"version\":42}}")
                        .status());
        HttpResponse twoTargets = call("POST", "/v1/namespaces/hist/restore", "{\"version\":1,\"snapshot\":\"two\"}");
        assertEquals(400, twoTargets.status());
        HttpResponse badTime = call(
                "POST", "/v1/namespaces/hist/query", "{\"vector\":[1,0,0],\"asOf\":{\"timestamp\":\"yesterday\"}}");
        assertEquals(400, badTime.status());
        assertEquals(
                "asOf.timestamp",
                JSON.readTree(badTime.body()).get("errors").get(0).get("field").asText());
        assertEquals(
                400, call("GET", "/v1/namespaces/hist/versions?limit=0", null).status());
        assertEquals(
                1,
                JSON.readTree(call("GET", "/v1/namespaces/hist/snapshots", null).body())
                        .get("snapshots")
                        .size());
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsAppliedOnce() throws Exception {
        var objects = new InMemoryObjectStore();
        Gateway g = new Gateway(
                new NamespaceService(new NamespaceStore(objects)),
                Limits.defaults(),
                List.of(),
                new dev.abi.store.ObjectMetadataStore(objects, Clock.systemUTC()));
        byte[] body = "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}".getBytes(StandardCharsets.UTF_8);
        HttpRequest req = new HttpRequest(
                "POST", "/v1/namespaces/idem/vectors", Map.of(), Map.of("Idempotency-Key", "evt-42"), body);
        HttpResponse first = g.handle(req);
        HttpResponse retry = g.handle(req);
        assertEquals(200, first.status(), first.bodyText());
        assertEquals(first.bodyText(), retry.bodyText());
        assertEquals("true", retry.headers().get("Idempotent-Replayed"));
        HttpResponse other = g.handle(new HttpRequest(
                "POST", "/v1/namespaces/idem/vectors", Map.of(), Map.of("Idempotency-Key", "evt-43"), body));
        assertEquals(2, JSON.readTree(other.body()).get("version").asInt(), "a new key is a new write");
        var versions = JSON.readTree(
                        g.handle(new HttpRequest("GET", "/v1/namespaces/idem/versions", Map.of(), Map.of(), null))
                                .body())
                .get("versions");
        assertEquals(3, versions.size(), "versions 2, 1 and the creation: the retry added none");
        HttpResponse bad = g.handle(new HttpRequest(
                "POST", "/v1/namespaces/idem/vectors", Map.of(), Map.of("Idempotency-Key", "has space"), body));
        assertEquals(400, bad.status());
    }
}
