package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of random and mutated JSON bodies and filters against the write and query routes: every one gets an
 * answer below 500 (a 4xx problem, or a 2xx when the mutation happens to be valid), never a 500 and never a hang.
 * (Routes that need a model answer 501 here, where none is configured.)
 */
class BodyFuzzTest {

    private static final List<String> SEEDS = List.of(
            "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0,0],\"attributes\":{\"lang\":\"en\",\"year\":2024}}]}",
            "{\"vector\":[1,0,0],\"topK\":3,\"filter\":{\"lang\":{\"$in\":[\"en\",\"fr\"]},\"year\":{\"$gte\":2020}}}",
            "{\"vector\":[0,1,0],\"filter\":{\"$or\":[{\"lang\":\"en\"},{\"$not\":{\"year\":{\"$lt\":3}}}]}}",
            "{\"ids\":[\"a\",\"b\"]}",
            "{\"vector\":[1,0,0],\"asOf\":{\"version\":1}}");
    private static final String ALPHABET = "{}[]\":,0123456789.-eE+ $abcdinqltrxNaInfy\\u00\u00e9\u20ac\n";

    @Test
    @Timeout(120)
    void randomAndMutatedBodiesNeverGive500() {
        Gateway g = new Gateway(
                new NamespaceService(new NamespaceStore(new InMemoryObjectStore())), Limits.defaults(), List.of());
        g.handle(new HttpRequest(
                "POST",
                "/v1/namespaces/f/vectors",
                Map.of(),
                Map.of(),
                SEEDS.get(0).getBytes(StandardCharsets.UTF_8)));
        List<String> paths = List.of(
                "/v1/namespaces/f/vectors",
                "/v1/namespaces/f/query",
                "/v1/namespaces/f/vectors/delete",
                "/v1/namespaces/f/restore",
                "/v1/namespaces/f/snapshots",
                "/v1/namespaces/f/documents",
                "/v1/embeddings");
        Random rnd = new Random(42);
        for (int i = 0; i < 6000; i++) {
            byte[] body;
            if (i % 3 == 0) {
                StringBuilder sb = new StringBuilder();
                int n = rnd.nextInt(80);
                for (int c = 0; c < n; c++) {
                    sb.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                }
                body = sb.toString().getBytes(StandardCharsets.UTF_8);
            } else {
                body = SEEDS.get(rnd.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
                int edits = 1 + rnd.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    int at = rnd.nextInt(body.length);
                    switch (rnd.nextInt(3)) {
                        case 0 -> body[at] = (byte) rnd.nextInt(256);
                        case 1 -> body = Arrays.copyOf(body, at);
                        default -> body[at] = (byte) ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
                    }
                    if (body.length == 0) {
                        break;
                    }
                }
            }
            String path = paths.get(rnd.nextInt(paths.size()));
            HttpResponse r = g.handle(new HttpRequest("POST", path, Map.of(), Map.of(), body));
            String shown = new String(body, StandardCharsets.UTF_8);
            // 501: the documents and embeddings routes answer that on a gateway without models, whatever the body
            assertTrue(
                    r.status() < 500 || r.status() == 501 && !path.contains("vectors"),
                    path + " " + shown + " gave " + r.status() + " " + r.bodyText());
        }
    }
}
