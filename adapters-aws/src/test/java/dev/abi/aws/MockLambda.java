package dev.abi.aws;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Invokes the function through Quarkus's mock Lambda event server (RestAssured points at it in a
 * {@code @QuarkusTest}) and reads the reply as JSON.
 */
final class MockLambda {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MockLambda() {}

    /** A fixture under {@code src/test/resources/events/aws/}. */
    static String fixture(String path) {
        try (InputStream in = MockLambda.class.getResourceAsStream("/events/aws/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/aws/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the event and returns the function's reply; fails the test when the invocation itself failed. */
    static JsonNode invoke(String event) {
        byte[] reply = given().contentType("application/json")
                .body(event)
                .post()
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        try {
            return JSON.readTree(reply);
        } catch (IOException e) {
            throw new AssertionError("the reply is not JSON: " + new String(reply, StandardCharsets.UTF_8), e);
        }
    }

    /** The body of an HTTP trigger's reply, parsed. */
    static JsonNode body(JsonNode reply) {
        try {
            return JSON.readTree(reply.path("body").asText());
        } catch (IOException e) {
            throw new AssertionError("the reply body is not JSON: " + reply, e);
        }
    }
}
