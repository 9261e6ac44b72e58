package dev.abi.gpu;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class GpuHealthRouteTest {

    @Test
    void reportsNoGpuBackendYet() {
        given().get("/health").then().statusCode(200).body("status", equalTo("up")).body("gpu", equalTo(false));
    }
}
