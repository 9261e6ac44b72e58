package dev.abi.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.ExecutionContext;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The Azure HTTP trigger, as the Java worker calls it (the bean comes from Quarkus, as the worker's injector gets it). */
@QuarkusTest
class AzureHttpFunctionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AzureHttpFunction function;

    @Test
    void upsertThenQuery() throws Exception {
        HostRequest.Reply upsert = call("POST", "/v1/namespaces/azure/vectors", """
                {"vectors":[{"id":"a","values":[1,0,0]},{"id":"b","values":[0,1,0]},{"id":"c","values":[0.9,0.1,0]}]}""");
        assertEquals(200, upsert.status().value(), upsert.bodyText());
        assertEquals(3, JSON.readTree(upsert.bodyText()).get("upserted").asInt());

        HostRequest.Reply query = call("POST", "/v1/namespaces/azure/query", "{\"vector\":[1,0,0],\"topK\":2}");
        assertEquals(200, query.status().value(), query.bodyText());
        JsonNode matches = JSON.readTree(query.bodyText()).get("matches");
        assertEquals("a", matches.get(0).get("id").asText());
        assertEquals("c", matches.get(1).get("id").asText());
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        HostRequest.Reply reply = call("POST", "/v1/namespaces/azure-bad/query", "{\"vector\":[1,0],\"topK\":1001}");
        assertEquals(400, reply.status().value(), reply.bodyText());
        assertTrue(reply.getHeader("Content-Type").startsWith("application/problem+json"));
        assertTrue(reply.bodyText().contains("topK"), reply.bodyText());
    }

    @Test
    void theInvocationIdIsTheRequestsIdUnlessTheClientSentOne() {
        ExecutionContext context = new ExecutionContext() {
            @Override
            public Logger getLogger() {
                return Logger.getLogger("test");
            }

            @Override
            public String getInvocationId() {
                return "5f1d8c2e-0b4a-4c3e-9d2f-7a6b5c4d3e2f";
            }

            @Override
            public String getFunctionName() {
                return "api";
            }
        };
        HostRequest.Reply reply =
                (HostRequest.Reply) function.handle(HostRequest.of("GET", "/v2/nothing", null), context);
        assertEquals("5f1d8c2e-0b4a-4c3e-9d2f-7a6b5c4d3e2f", reply.getHeader("X-Request-Id"), reply.bodyText());
        assertTrue(
                reply.bodyText().contains("\"requestId\":\"5f1d8c2e-0b4a-4c3e-9d2f-7a6b5c4d3e2f\""), reply.bodyText());
    }

    @Test
    void unknownPathIs404Problem() {
        HostRequest.Reply reply = call("GET", "/v2/nothing?x=1", null);
        assertEquals(404, reply.status().value(), reply.bodyText());
        assertTrue(reply.getHeader("Content-Type").startsWith("application/problem+json"));
    }

    private HostRequest.Reply call(String method, String path, String body) {
        return (HostRequest.Reply) function.handle(HostRequest.of(method, path, body), null);
    }
}
