package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.budget.BudgetExceededException;
import dev.abi.events.EventProcessor;
import dev.abi.events.UnsupportedObjectException;
import dev.abi.failure.Failures;
import dev.abi.gateway.auth.UnauthenticatedException;
import dev.abi.inference.UnknownModelException;
import dev.abi.namespace.NamespaceNotFoundException;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.resilience.CircuitOpenException;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.ObjectStoreException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One classification, two renderers: the same status and headers in either shape, the dialect chosen by route. */
class FailureRenderingTest {

    private static final List<RuntimeException> SAMPLES = List.of(
            new ValidationException("vector", "is required"),
            new UnknownModelException("nope", List.of("stories")),
            new NamespaceNotFoundException("docs"),
            new UnauthenticatedException("credentials are required"),
            new MethodNotAllowedException("GET", "/v1/chat/completions", Set.of("POST")),
            new BudgetExceededException("input", "has 70000 tokens", 65536),
            new CircuitOpenException("object-store", 7),
            new ObjectStoreException("down", new IOException("reset")),
            new UnsupportedObjectException("object 'a.pdf': unknown format"),
            new IllegalStateException("a bug"));

    @Test
    void bothRenderersGiveEveryFailureTheSameStatusAndHeaders() {
        for (RuntimeException e : SAMPLES) {
            HttpResponse problem = ProblemMapper.toResponse(e);
            HttpResponse openAi = OpenAiErrors.toResponse(e);
            assertEquals(problem.status(), openAi.status(), e.toString());
            for (String h : List.of("Retry-After", "Allow", "WWW-Authenticate")) {
                assertEquals(problem.headers().get(h), openAi.headers().get(h), h + " of " + e);
            }
            assertTrue(openAi.bodyText().startsWith("{\"error\":{"), openAi.bodyText());
            assertTrue(problem.bodyText().contains("\"status\":" + problem.status()), problem.bodyText());
        }
        assertEquals(
                404,
                ProblemMapper.toResponse(new UnknownModelException("nope", List.of()))
                        .status(),
                "an unknown model is 404 in both shapes");
        assertTrue(OpenAiErrors.toResponse(new UnknownModelException("nope", List.of()))
                .bodyText()
                .contains("\"code\":\"model_not_found\""));
    }

    @Test
    void aCorruptSegmentIsA500NamingTheSegment() {
        var f = Failures.classify(new dev.abi.vector.CorruptSegmentException("ns/a/1/seg/x.bin", "cluster 3 fails"));
        assertEquals(500, f.status());
        assertEquals("corrupt-object", f.type());
        assertEquals("ns/a/1/seg/x.bin", f.headers().get("X-Abi-Corrupt-Object"));
        assertFalse(f.detail().contains("cluster 3"), "the detail points to the log, not the internals: " + f.detail());
    }

    @Test
    void theEventProcessorAsksTheClassificationWhetherARetryCanHelp() {
        assertTrue(EventProcessor.isPoison(new UnsupportedObjectException("bad format")));
        assertTrue(EventProcessor.isPoison(new ValidationException("key", "is bad")));
        assertFalse(EventProcessor.isPoison(new ObjectStoreException("down", new IOException("reset"))));
        assertFalse(EventProcessor.isPoison(new CircuitOpenException("object-store", 3)));
        assertFalse(EventProcessor.isPoison(new IllegalStateException("a bug")), "unknown failures are retried");
        assertEquals(Failures.classify(new NamespaceNotFoundException("x")).retryable(), false);
    }

    @Test
    void aRoutesFailuresComeInTheDialectItWasRegisteredWith() {
        Gateway g = Gateway.builder(new NamespaceService(new NamespaceStore(new InMemoryObjectStore())))
                .build();
        HttpResponse chat = g.handle(new HttpRequest("GET", "/v1/chat/completions", Map.of(), Map.of(), null));
        assertEquals(405, chat.status());
        assertTrue(
                chat.bodyText().startsWith("{\"error\":{"),
                "an OpenAI route answers in OpenAI's shape: " + chat.bodyText());
        HttpResponse ns = g.handle(new HttpRequest("GET", "/v1/namespaces/none", Map.of(), Map.of(), null));
        assertEquals(404, ns.status());
        assertEquals(HttpResponse.PROBLEM_JSON, ns.headers().get("Content-Type"));
        HttpResponse unknown = g.handle(new HttpRequest("GET", "/v1/nowhere", Map.of(), Map.of(), null));
        assertEquals(HttpResponse.PROBLEM_JSON, unknown.headers().get("Content-Type"));
    }
}
