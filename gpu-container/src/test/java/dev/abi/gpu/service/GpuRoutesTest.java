package dev.abi.gpu.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service on a machine without a GPU: {@code /health} says why, and every GPU route answers 503 with a problem
 * body (never a CPU answer).
 */
@QuarkusTest
class GpuRoutesTest {

    @BeforeEach
    void noDriverHere() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                Files.exists(Path.of("/proc/driver/nvidia/version")), "an NVIDIA driver is installed here");
    }

    @Test
    void healthSaysNoGpuAndWhy() {
        given().get("/health")
                .then()
                .statusCode(200)
                .body("status", equalTo("up"))
                .body("gpu", equalTo(false))
                .body("reason", containsString("libcuda.so.1"))
                .body("device", nullValue())
                .body("checks.cpuKernels", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void singleQueryIs503Problem() {
        given().contentType("application/json")
                .body("{\"vector\":[0.1,0.2],\"topK\":3}")
                .post("/v1/namespaces/docs/query")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "30")
                .body("type", equalTo("https://abi.dev/problems/gpu-unavailable"))
                .body("status", equalTo(503))
                .body("detail", containsString("libcuda.so.1"));
    }

    @Test
    void batchedQueriesAre503Problem() {
        given().contentType("application/json")
                .body("{\"queries\":[{\"vector\":[0.1,0.2]},{\"vector\":[1,0]}]}")
                .post("/v1/namespaces/docs/query")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("title", equalTo("GPU unavailable"));
    }

    @Test
    void embeddingsAre503Problem() {
        given().contentType("application/json")
                .body("{\"model\":\"all-MiniLM-L6-v2\",\"input\":[\"a\",\"b\"]}")
                .post("/v1/embeddings")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("libcuda.so.1"));
    }
}
