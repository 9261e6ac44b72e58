package dev.abi.aws;

import static dev.abi.aws.MockLambda.body;
import static dev.abi.aws.MockLambda.fixture;
import static dev.abi.aws.MockLambda.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The HTTP front doors (API Gateway HTTP API v2, REST API v1, Function URL), from AWS's documented sample payloads,
 * go through Quarkus's mock Lambda event server to the handler, the core gateway and back as the proxy reply.
 */
@QuarkusTest
class HttpTriggersTest {

    @Test
    void upsertThenQueryThroughTheHttpApi() {
        JsonNode upsert = invoke(fixture("apigw-http-v2/upsert.json"));
        assertEquals(200, upsert.path("statusCode").asInt());
        assertEquals(3, body(upsert).path("upserted").asInt());
        JsonNode reply = body(invoke(fixture("apigw-http-v2/query.json")));
        assertEquals("c", reply.path("matches").get(0).path("id").asText());
        assertEquals("b", reply.path("matches").get(1).path("id").asText());
        assertEquals(
                1 - 0.9 / Math.sqrt(0.82),
                reply.path("matches").get(0).path("distance").asDouble(),
                1e-6);
        assertEquals(
                "fr",
                reply.path("matches").get(0).path("attributes").path("lang").asText());
    }

    @Test
    void theRestApiTakesBase64BodiesAndTheStageLessPath() {
        JsonNode upsert = invoke(fixture("apigw-rest-v1/upsert-base64.json"));
        assertEquals(200, upsert.path("statusCode").asInt(), upsert.toString());
        assertEquals(2, body(upsert).path("upserted").asInt());
        JsonNode query = invoke(fixture("apigw-rest-v1/query.json"));
        assertEquals(200, query.path("statusCode").asInt(), query.toString());
        assertEquals("r1", body(query).path("matches").get(0).path("id").asText());
        assertFalse(query.path("isBase64Encoded").asBoolean());
    }

    @Test
    void aFunctionUrlEventReachesTheGateway() {
        JsonNode health = invoke(fixture("function-url/health.json"));
        assertEquals(200, health.path("statusCode").asInt(), health.toString());
        assertEquals("up", body(health).path("status").asText(), health.toString());
    }

    @Test
    void theOpenApiDocumentIsServedThroughAFunctionUrlWithoutCredentials() {
        String event = fixture("function-url/health.json")
                .replace("\"rawPath\": \"/health\"", "\"rawPath\": \"/v1/openapi.json\"")
                .replace("\"path\": \"/health\"", "\"path\": \"/v1/openapi.json\"");
        assertTrue(event.contains("/v1/openapi.json"));
        // auth is on in this packaging (abi.auth.enabled=true) and the event carries no credentials
        JsonNode reply = invoke(event);
        assertEquals(200, reply.path("statusCode").asInt(), reply.toString());
        assertTrue(body(reply).path("openapi").asText().startsWith("3.1"), reply.toString());
    }

    @Test
    void aNamedStagePrefixIsStrippedFromTheHttpApiPath() {
        String staged = fixture("function-url/health.json")
                .replace("\"rawPath\": \"/health\"", "\"rawPath\": \"/prod/health\"")
                .replace("\"stage\": \"$default\"", "\"stage\": \"prod\"");
        assertTrue(staged.contains("/prod/health"));
        assertEquals(200, invoke(staged).path("statusCode").asInt());
    }

    @Test
    void theCloudPackagingRefusesRequestsWithoutCredentials() {
        String anonymous =
                fixture("apigw-http-v2/query.json").replaceAll(",\\s*\"authorization\": \"Bearer [^\"]+\"", "");
        assertFalse(anonymous.contains("authorization"));
        JsonNode reply = invoke(anonymous);
        assertEquals(401, reply.path("statusCode").asInt());
        assertTrue(reply.path("headers").path("WWW-Authenticate").asText().contains("Bearer"));
    }

    @Test
    void apiGatewaysRequestIdIsTheRequestsIdUnlessTheClientSentOne() {
        JsonNode reply = invoke(fixture("apigw-http-v2/query-bad-topk.json"));
        assertEquals(
                "JKJaXmPLvHcESHA=", reply.path("headers").path("X-Request-Id").asText(), reply.toString());
        assertEquals("JKJaXmPLvHcESHA=", body(reply).path("requestId").asText(), reply.toString());
        JsonNode rest = invoke(fixture("apigw-rest-v1/query.json"));
        assertEquals(
                "77375676-xmpl-4b79-853a-f982474efe18",
                rest.path("headers").path("X-Request-Id").asText());
    }

    @Test
    void badInputComesBackAsAProblemReply() {
        JsonNode reply = invoke(fixture("apigw-http-v2/query-bad-topk.json"));
        assertEquals(400, reply.path("statusCode").asInt());
        assertEquals(
                "application/problem+json",
                reply.path("headers").path("Content-Type").asText());
        assertEquals("topK", body(reply).path("errors").get(0).path("field").asText());
    }

    @Test
    void aMalformedHttpEventIsA400NamingTheField() {
        String noMethod = fixture("function-url/health.json").replace("\"method\": \"GET\",", "");
        JsonNode reply = invoke(noMethod);
        assertEquals(400, reply.path("statusCode").asInt(), reply.toString());
        assertEquals(
                "requestContext.http.method",
                body(reply).path("errors").get(0).path("field").asText());
    }

    @Test
    void versionsAsOfAndRestoreThroughTheLambdaRuntime() {
        // a fresh namespace each run: the test data directory outlives a run
        invoke(fixture("apigw-http-v2/history-drop.json"));
        assertEquals(
                200,
                invoke(fixture("apigw-http-v2/history-upsert.json"))
                        .path("statusCode")
                        .asInt());
        assertEquals(
                1,
                body(invoke(fixture("apigw-http-v2/history-delete.json")))
                        .path("deleted")
                        .asInt());
        JsonNode versions = invoke(fixture("apigw-http-v2/history-versions.json"));
        assertTrue(versions.path("body").asText().contains("\"version\":2"));
        assertTrue(body(invoke(fixture("apigw-http-v2/history-query-asof.json")))
                .toString()
                .contains("\"id\":\"a\""));
        assertEquals(
                "{\"restoredFrom\":1,\"version\":3}",
                invoke(fixture("apigw-http-v2/history-restore.json"))
                        .path("body")
                        .asText());
    }

    @Test
    void anEventOfNoKnownShapeFailsTheInvocationNamingWhatItSaw() {
        String reply = io.restassured.RestAssured.given()
                .contentType("application/json")
                .body("{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\"}")
                .post()
                .then()
                .statusCode(500)
                .extract()
                .asString();
        assertTrue(reply.contains("matches no supported trigger") && reply.contains("detail-type, source"), reply);
        String notJson = io.restassured.RestAssured.given()
                .contentType("application/json")
                .body("{\"Records\":[")
                .post()
                .then()
                .statusCode(500)
                .extract()
                .asString();
        assertTrue(notJson.contains("event: is not JSON"), notJson);
    }
}
