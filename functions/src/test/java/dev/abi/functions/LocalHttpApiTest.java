package dev.abi.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.smallrye.config.SmallRyeConfig;
import java.time.Duration;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The Quarkus route hands requests to the core gateway unchanged: statuses, bodies and problem details. */
@QuarkusTest
class LocalHttpApiTest {

    @Test
    void upsertQueryGetAndDelete() {
        given().body("{\"vectors\":[{\"id\":\"a\",\"values\":[1,0],\"attributes\":{\"lang\":\"en\"}},"
                        + "{\"id\":\"b\",\"values\":[0,1],\"attributes\":{\"lang\":\"fr\"}}]}")
                .post("/v1/namespaces/http-test/vectors")
                .then()
                .statusCode(200)
                .body("upserted", equalTo(2));
        given().body(
                        "{\"vector\":[0.9,0.1],\"topK\":1,\"filter\":{\"lang\":{\"$in\":[\"fr\"]}},\"includeAttributes\":true}")
                .post("/v1/namespaces/http-test/query")
                .then()
                .statusCode(200)
                .body("matches[0].id", equalTo("b"))
                .body("matches[0].attributes.lang", equalTo("fr"));
        given().get("/v1/namespaces/http-test/vectors/a").then().statusCode(200).body("values[0]", equalTo(1.0f));
        given().body("{\"ids\":[\"a\"]}")
                .post("/v1/namespaces/http-test/vectors/delete")
                .then()
                .statusCode(200)
                .body("deleted", equalTo(1));
        given().delete("/v1/namespaces/http-test").then().statusCode(204);
        given().get("/v1/namespaces/http-test").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void problemsComeBackAsProblemJson() {
        given().body("{\"vectors\":[{\"id\":\"a\",\"values\":[1,NaN]}]}")
                .post("/v1/namespaces/http-bad/vectors")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("vectors[0].values[1]"));
        given().contentType("application/x-www-form-urlencoded")
                .body("x".repeat(7 * 1024 * 1024))
                .post("/v1/namespaces/http-bad/vectors")
                .then()
                .statusCode(413)
                .body("type", equalTo("https://abi.dev/problems/payload-too-large"));
        given().put("/v1/namespaces/http-bad/query").then().statusCode(405).header("Allow", "POST");
    }

    @Test
    void healthReportsTheStoreAndTheVectorKernels() {
        given().get("/health")
                .then()
                .statusCode(200)
                .body("status", equalTo("up"))
                .body("checks.vectorKernels", startsWith("panama"))
                .body("checks.objectStore", equalTo("up (local disk)"));
    }

    @Test
    void withAuthOffAndNoHostSetTheServerListensOnLoopbackOnly() {
        assertEquals("127.0.0.1", ConfigProvider.getConfig().getValue("quarkus.http.host", String.class));
    }

    @Test
    void connectionLimitsReachQuarkusUnderTheirNames() {
        VertxHttpConfig http =
                ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(VertxHttpConfig.class);
        assertEquals(Duration.ofSeconds(60), http.idleTimeout());
        assertEquals(Duration.ofSeconds(30), http.readTimeout());
        assertEquals(OptionalInt.of(1024), http.limits().maxConnections());
        assertEquals(20 * 1024, http.limits().maxHeaderSize().asLongValue());
        assertEquals(8192, http.limits().maxInitialLineLength());
    }

    @Test
    void indexObjectRefusesUnsupportedFilesWithAProblem() {
        given().contentType("application/json")
                .body("{\"bucket\":\"b\",\"key\":\"docs/scan.pdf\"}")
                .post("/indexObject")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("key"))
                .body("detail", org.hamcrest.Matchers.containsString("docs/scan.pdf"));
    }

    @Test
    void indexObjectNamingAMissingObjectIsAProblem() {
        given().contentType("application/json")
                .body("{\"bucket\":\"b\",\"key\":\"docs/absent.txt\"}")
                .post("/indexObject")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("key"))
                .body("detail", org.hamcrest.Matchers.containsString("not in bucket"));
    }

    @Test
    void removeObjectOfAnUnknownObjectRemovesNothing() {
        given().contentType("application/json")
                .body("{\"bucket\":\"b\",\"key\":\"docs/never-there.txt\"}")
                .post("/removeObject")
                .then()
                .statusCode(200)
                .body("outcome", equalTo("REMOVED"))
                .body("removed", equalTo(0));
    }
}
