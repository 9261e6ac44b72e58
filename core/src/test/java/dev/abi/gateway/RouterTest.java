package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.abi.gateway.auth.Role;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The radix router: literals before parameters before wildcards, backtracking, decoding, 404 and 405. */
class RouterTest {

    private static Router.Handler named(String name) {
        return (r, p) -> new HttpResponse(200, Map.of("X-Route", name), new byte[0]);
    }

    private final Router router = new Router()
            .add("GET", "/v1/namespaces/{ns}/vectors/{id}", Role.READ, named("get"))
            .add("POST", "/v1/namespaces/{ns}/vectors/delete", Role.WRITE, named("delete"))
            .add("POST", "/v1/namespaces/{ns}/vectors", Role.WRITE, named("upsert"))
            .add("GET", "/files/{path...}", null, named("files"))
            .add("GET", "/files/special/{name}/meta", null, named("meta"));

    private String routed(String method, String path) {
        return router.route(method, path).handler().handle(null, null).headers().get("X-Route");
    }

    @Test
    void literalsWinAndParametersAreDecoded() {
        assertEquals("delete", routed("POST", "/v1/namespaces/docs/vectors/delete"));
        assertEquals("get", routed("GET", "/v1/namespaces/docs/vectors/delete"), "GET has no literal route there");
        assertEquals(
                "delete",
                router.route("GET", "/v1/namespaces/docs/vectors/delete")
                        .params()
                        .get("id"));
        Router.Match m = router.route("GET", "/v1/namespaces/my-ns/vectors/a%2Fb%20c");
        assertEquals("my-ns", m.params().get("ns"));
        assertEquals("a/b c", m.params().get("id"));
        assertEquals("GET /v1/namespaces/{ns}/vectors/{id}", m.pattern());
        assertEquals(Role.READ, m.role());
        assertEquals("upsert", routed("POST", "/v1/namespaces/docs/vectors/"));
    }

    @Test
    void wildcardsTakeTheRestAndBacktrackingFindsDeeperLiterals() {
        assertEquals("files", routed("GET", "/files/a/b/c.txt"));
        assertEquals(
                "a/b/c.txt", router.route("GET", "/files/a/b/c.txt").params().get("path"));
        assertEquals("meta", routed("GET", "/files/special/x/meta"));
        assertEquals(
                "special/x/other",
                router.route("GET", "/files/special/x/other").params().get("path"),
                "a literal branch that dead-ends falls back to the wildcard");
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllow() {
        assertThrows(RouteNotFoundException.class, () -> router.route("GET", "/v2/nothing"));
        MethodNotAllowedException e = assertThrows(
                MethodNotAllowedException.class, () -> router.route("DELETE", "/v1/namespaces/docs/vectors"));
        assertEquals(Set.of("POST"), e.allowed());
        MethodNotAllowedException e2 = assertThrows(
                MethodNotAllowedException.class, () -> router.route("PUT", "/v1/namespaces/docs/vectors/delete"));
        assertEquals(Set.of("GET", "POST"), e2.allowed(), "the id route and the literal route both match the path");
        assertThrows(IllegalArgumentException.class, () -> router.add("GET", "/files/{path...}", null, named("dup")));
        assertThrows(
                IllegalArgumentException.class,
                () -> router.add("GET", "/v1/namespaces/{other}", null, named("clash")));
    }
}
