package dev.abi.gpu.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.inference.BertModel;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.namespace.QueryResult;
import dev.abi.namespace.VectorRecord;
import dev.abi.store.LocalDiskObjectStore;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The routes' success paths on the emulated GPU ({@code abi.gpu.binding}), over a namespace written to the same
 * local object store by core: the answers equal core's CPU query, the shapes are API.md's.
 */
@QuarkusTest
@TestProfile(EmulatedGpuRoutesTest.Profile.class)
class EmulatedGpuRoutesTest {

    static final Path DATA = Path.of("target", "emulated-gpu-data");
    static final Path MINILM =
            Path.of("..", "..", "shared", "models", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-Q8_0.gguf");
    static final int DIM = 12;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            writeNamespace();
            return Map.of(
                    "abi.gpu.binding",
                    "dev.abi.gpu.emulated.EmulatedCudaApi",
                    "abi.data-dir",
                    DATA.toString(),
                    "abi.gpu.embedding-model",
                    MINILM.toString());
        }
    }

    /** A fresh store with namespace "docs": 1,500 vectors (two chunks), cosine. Written before the service starts. */
    static void writeNamespace() {
        try {
            if (Files.exists(DATA)) {
                try (var walk = Files.walk(DATA)) {
                    walk.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
            NamespaceService ns = store();
            ns.create("docs", DIM, Metric.COSINE);
            Random rnd = new Random(8);
            List<VectorRecord> records = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                records.add(new VectorRecord("v" + i, vector(rnd), Map.of()));
            }
            ns.upsert("docs", records);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NamespaceService store() {
        return new NamespaceService(new NamespaceStore(new LocalDiskObjectStore(DATA)));
    }

    static float[] vector(Random rnd) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static String json(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.append(']').toString();
    }

    @Test
    void healthReportsTheDevice() {
        given().get("/health")
                .then()
                .statusCode(200)
                .body("gpu", equalTo(true))
                .body("device", equalTo("Emulated (heap)"))
                .body("computeCapability", equalTo("9.0"))
                .body("freeMemoryBytes", org.hamcrest.Matchers.greaterThan(0L));
    }

    @Test
    void singleAndBatchedQueriesAnswerAsCoresCpuQuery() {
        Random rnd = new Random(77);
        float[] a = vector(rnd);
        float[] b = vector(rnd);
        JsonPath single = given().contentType("application/json")
                .body("{\"vector\":" + json(a) + ",\"topK\":4}")
                .post("/v1/namespaces/docs/query")
                .then()
                .statusCode(200)
                .body("matches", hasSize(4))
                .extract()
                .jsonPath();
        JsonPath batch = given().contentType("application/json")
                .body("{\"queries\":[{\"vector\":" + json(a) + ",\"topK\":4},{\"vector\":" + json(b) + "}]}")
                .post("/v1/namespaces/docs/query")
                .then()
                .statusCode(200)
                .body("results", hasSize(2))
                .body("results[1].matches", hasSize(10))
                .extract()
                .jsonPath();
        NamespaceService cpu = store();
        QueryResult wantA = cpu.query("docs", new NamespaceService.Query(a, 4, Filter.ALL, null));
        QueryResult wantB = cpu.query("docs", new NamespaceService.Query(b, 10, Filter.ALL, null));
        assertEquals(wantA.version(), single.getLong("version"));
        for (int i = 0; i < 4; i++) {
            assertEquals(wantA.matches().get(i).vector().id(), single.getString("matches[" + i + "].id"));
            assertEquals(wantA.matches().get(i).distance(), single.getFloat("matches[" + i + "].distance"), 1e-5f);
            assertEquals(wantA.matches().get(i).vector().id(), batch.getString("results[0].matches[" + i + "].id"));
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(wantB.matches().get(i).vector().id(), batch.getString("results[1].matches[" + i + "].id"));
        }
    }

    @Test
    void whatTheGpuDoesNotServeIsAProblem() {
        float[] a = vector(new Random(1));
        given().contentType("application/json")
                .body("{\"vector\":" + json(a) + ",\"filter\":{\"k\":\"v\"}}")
                .post("/v1/namespaces/docs/query")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("filter"));
        given().contentType("application/json")
                .body("{\"vector\":[1,2]}")
                .post("/v1/namespaces/docs/query")
                .then()
                .statusCode(400)
                .body("detail", containsString("expected 12 dimensions, got 2"));
        given().contentType("application/json")
                .body("{\"vector\":" + json(a) + ",\"topK\":1001}")
                .post("/v1/namespaces/docs/query")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("topK"));
        given().contentType("application/json")
                .body("{\"vector\":" + json(a) + "}")
                .post("/v1/namespaces/nope/query")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void embeddingsOfAnotherModelAreRefusedNamingTheModel() {
        Assumptions.assumeTrue(Files.exists(MINILM), "the shared MiniLM model is absent");
        given().contentType("application/json")
                .body("{\"model\":\"all-MiniLM-L6-v2\",\"input\":[\"GPU search\"]}")
                .post("/v1/embeddings")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("model"))
                .body("detail", containsString("'all-MiniLM-L6-v2-Q8_0'"));
    }

    @Test
    void embeddingsAreTheCpuModelsVectors() {
        Assumptions.assumeTrue(Files.exists(MINILM), "the shared MiniLM model is absent");
        JsonPath r = given().contentType("application/json")
                .body("{\"model\":\"all-MiniLM-L6-v2-Q8_0\",\"input\":[\"GPU search\",\"a cat on a mat\"]}")
                .post("/v1/embeddings")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data", hasSize(2))
                .body("data[1].index", equalTo(1))
                .body("data[0].embedding", hasSize(384))
                .extract()
                .jsonPath();
        try (BertModel cpu = BertModel.load(MINILM)) {
            float[][] want = cpu.embed(List.of("GPU search", "a cat on a mat"));
            for (int s = 0; s < 2; s++) {
                List<Float> got = r.getList("data[" + s + "].embedding", Float.class);
                double dot = 0;
                for (int i = 0; i < 384; i++) {
                    dot += want[s][i] * got.get(i);
                }
                assertTrue(dot > 0.999, "cosine " + dot);
            }
        }
    }
}
