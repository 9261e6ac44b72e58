package dev.abi.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.failure.Failure;
import dev.abi.failure.Failures;
import dev.abi.failure.FieldError;
import dev.abi.telemetry.RequestContext;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a classified failure ({@link Failures}) as an RFC 9457 problem detail with
 * {@code Content-Type: application/problem+json}. Unexpected exceptions give a 500 whose body names no internals;
 * the stack trace goes to the log only, once, here or in {@link OpenAiErrors}, with the request's id. Inside a
 * request ({@link RequestContext}) the body carries that id as {@code requestId}, for the user to quote.
 */
public final class ProblemMapper {

    private static final System.Logger LOG = System.getLogger(ProblemMapper.class.getName());
    private static final String TYPE_BASE = "https://abi.dev/problems/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemMapper() {}

    public static HttpResponse toResponse(Throwable t) {
        Failure f = Failures.classify(t);
        logCause(f);
        return problem(f.status(), f.type(), f.title(), f.detail(), f.errors(), f.headers());
    }

    /** The HTTP status {@link #toResponse} gives this failure, without logging it. */
    public static int statusOf(Throwable t) {
        return Failures.classify(t).status();
    }

    /** Logs the failure's unexpected cause, if it has one, with its stack trace. */
    static void logCause(Failure f) {
        if (f.cause() != null) {
            String requestId = RequestContext.currentId();
            LOG.log(
                    System.Logger.Level.ERROR,
                    f.title() + " (" + f.status() + ")" + (requestId == null ? "" : ", request " + requestId),
                    f.cause());
        }
    }

    static HttpResponse problem(
            int status,
            String type,
            String title,
            String detail,
            List<FieldError> errors,
            Map<String, String> extraHeaders) {
        ObjectNode body = JSON.createObjectNode()
                .put("type", TYPE_BASE + type)
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        if (RequestContext.currentId() != null) {
            body.put("requestId", RequestContext.currentId());
        }
        if (!errors.isEmpty()) {
            ArrayNode list = body.putArray("errors");
            for (FieldError e : errors) {
                list.addObject().put("field", e.field()).put("message", e.message());
            }
        }
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put("Content-Type", HttpResponse.PROBLEM_JSON);
        try {
            return new HttpResponse(status, headers, JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
