package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quotas that keep one caller from filling a deployment, and ids that could collide once stored. */
class QuotaAndUnicodeTest {

    private final InMemoryObjectStore objects = new InMemoryObjectStore();

    private Gateway gateway(int maxNamespaces) {
        return Gateway.builder(new NamespaceService(new NamespaceStore(objects), Runnable::run, maxNamespaces))
                .build();
    }

    private static HttpResponse upsert(Gateway g, String ns, String vectorsJson) {
        return g.handle(new HttpRequest(
                "POST",
                "/v1/namespaces/" + ns + "/vectors",
                Map.of(),
                Map.of(),
                ("{\"vectors\":" + vectorsJson + "}").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theNamespaceQuotaRefusesOneMoreButKeepsTheExistingOnesWritable() {
        Gateway g = gateway(2);
        String v = "[{\"id\":\"a\",\"values\":[1,0]}]";
        assertEquals(200, upsert(g, "one", v).status());
        assertEquals(200, upsert(g, "two", v).status());
        HttpResponse third = upsert(g, "three", v);
        assertEquals(409, third.status(), third.bodyText());
        assertTrue(
                third.bodyText().contains("quota-exceeded") && third.bodyText().contains("abi.max-namespaces"),
                third.bodyText());
        assertEquals(200, upsert(g, "two", "[{\"id\":\"b\",\"values\":[0,1]}]").status());
        assertEquals(
                List.of("one", "two"),
                new NamespaceStore(objects).list().stream().sorted().toList());
    }

    @Test
    void aLoneSurrogateInAnIdOrAttributeIsRefusedSoNoTwoIdsCollide() {
        Gateway g = gateway(10);
        for (String body : List.of(
                "[{\"id\":\"x\\ud800\",\"values\":[1,0]}]",
                "[{\"id\":\"\\udc00y\",\"values\":[1,0]}]",
                "[{\"id\":\"a\",\"values\":[1,0],\"attributes\":{\"k\\ud800\":1}}]",
                "[{\"id\":\"a\",\"values\":[1,0],\"attributes\":{\"k\":\"v\\udfff\"}}]")) {
            HttpResponse r = upsert(g, "u", body);
            assertEquals(400, r.status(), body + " -> " + r.bodyText());
            assertTrue(r.bodyText().contains("surrogate"), r.bodyText());
        }
        HttpResponse pair = upsert(g, "u", "[{\"id\":\"\\ud83d\\ude00\",\"values\":[1,0]}]");
        assertEquals(200, pair.status(), "a well-formed pair (an emoji) is fine: " + pair.bodyText());
    }

    @Test
    void tooManyOrOverlongAttributeNamesAreRefused() {
        Gateway g = gateway(10);
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i <= JsonBodies.MAX_ATTRIBUTES; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        HttpResponse r = upsert(g, "attrs", "[{\"id\":\"a\",\"values\":[1,0],\"attributes\":" + many + "}}]");
        assertEquals(400, r.status(), r.bodyText());
        assertTrue(r.bodyText().contains("the limit is " + JsonBodies.MAX_ATTRIBUTES), r.bodyText());
        String longName = "n".repeat(JsonBodies.MAX_ATTRIBUTE_NAME_BYTES + 1);
        assertEquals(
                400,
                upsert(g, "attrs", "[{\"id\":\"a\",\"values\":[1,0],\"attributes\":{\"" + longName + "\":1}}]")
                        .status());
        assertEquals(
                200,
                upsert(g, "attrs", "[{\"id\":\"a\",\"values\":[1,0],\"attributes\":{\"lang\":\"en\"}}]")
                        .status());
    }
}
