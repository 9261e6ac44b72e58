package dev.abi.aws;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * API Gateway HTTP API (v2) events, from AWS's documented sample payload, go through Quarkus's mock Lambda event
 * server to the handler, the core gateway and back as the Lambda proxy reply.
 */
@QuarkusTest
class ApiGatewayHttpHandlerTest {

    private static String fixture(String name) throws IOException {
        try (InputStream in = ApiGatewayHttpHandlerTest.class.getResourceAsStream("/events/aws/apigw-http-v2/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void upsertThenQueryThroughTheLambdaRuntime() throws IOException {
        given().contentType("application/json").body(fixture("upsert.json")).post()
                .then().statusCode(200)
                .body("statusCode", equalTo(200))
                .body("body", containsString("\"upserted\":3"));
        String body = given().contentType("application/json").body(fixture("query.json")).post()
                .then().statusCode(200).body("statusCode", equalTo(200))
                .extract().path("body");
        io.restassured.path.json.JsonPath reply = io.restassured.path.json.JsonPath.from(body);
        org.hamcrest.MatcherAssert.assertThat(reply.getString("matches[0].id"), equalTo("c"));
        org.hamcrest.MatcherAssert.assertThat(reply.getString("matches[1].id"), equalTo("b"));
        org.hamcrest.MatcherAssert.assertThat(reply.getDouble("matches[0].distance"), closeTo(1 - 0.9 / Math.sqrt(0.82), 1e-6));
        org.hamcrest.MatcherAssert.assertThat(reply.getString("matches[0].attributes.lang"), equalTo("fr"));
    }

    @Test
    void theCloudPackagingRefusesRequestsWithoutCredentials() throws IOException {
        String anonymous = fixture("query.json").replaceAll(",\\s*\"authorization\": \"Bearer [^\"]+\"", "");
        org.hamcrest.MatcherAssert.assertThat(anonymous, org.hamcrest.Matchers.not(containsString("authorization")));
        given().contentType("application/json").body(anonymous).post()
                .then().statusCode(200)
                .body("statusCode", equalTo(401))
                .body("headers.WWW-Authenticate", containsString("Bearer"));
    }

    @Test
    void badInputComesBackAsAProblemReply() throws IOException {
        given().contentType("application/json").body(fixture("query-bad-topk.json")).post()
                .then().statusCode(200)
                .body("statusCode", equalTo(400))
                .body("headers.Content-Type", equalTo("application/problem+json"))
                .body("body", containsString("\"field\":\"topK\""));
    }

    @Test
    void versionsAsOfAndRestoreThroughTheLambdaRuntime() throws IOException {
        // a fresh namespace each run: the test data directory outlives a run
        given().contentType("application/json").body(fixture("history-drop.json")).post().then().statusCode(200);
        given().contentType("application/json").body(fixture("history-upsert.json")).post()
                .then().statusCode(200).body("statusCode", equalTo(200));
        given().contentType("application/json").body(fixture("history-delete.json")).post()
                .then().statusCode(200).body("body", containsString("\"deleted\":1"));
        given().contentType("application/json").body(fixture("history-versions.json")).post()
                .then().statusCode(200).body("statusCode", equalTo(200))
                .body("body", containsString("\"version\":2")).body("body", containsString("\"version\":1"));
        given().contentType("application/json").body(fixture("history-query-asof.json")).post()
                .then().statusCode(200).body("body", containsString("\"id\":\"a\""));
        given().contentType("application/json").body(fixture("history-restore.json")).post()
                .then().statusCode(200).body("statusCode", equalTo(200))
                .body("body", equalTo("{\"restoredFrom\":1,\"version\":3}"));
    }
}
