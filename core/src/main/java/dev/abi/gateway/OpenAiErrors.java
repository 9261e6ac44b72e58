package dev.abi.gateway;

import dev.abi.failure.Failure;
import dev.abi.failure.Failures;
import dev.abi.telemetry.RequestContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a classified failure ({@link Failures}) in OpenAI's shape, {@code {"error":{"message","type","param",
 * "code"}}}, with the same status as the problem body of the other routes: the routes registered with {@link
 * Router.Dialect#OPENAI} answer this way. Inside a request the error carries its id as {@code request_id}.
 */
final class OpenAiErrors {

    private OpenAiErrors() {}

    static HttpResponse toResponse(Throwable t) {
        Failure f = Failures.classify(t);
        ProblemMapper.logCause(f);
        String type =
                f.status() == 429 ? "rate_limit_error" : f.status() >= 500 ? "server_error" : "invalid_request_error";
        HttpResponse r = error(f.status(), f.detail(), type, f.param(), f.code());
        Map<String, String> headers = new LinkedHashMap<>(r.headers());
        headers.putAll(f.headers());
        return new HttpResponse(r.status(), headers, r.body());
    }

    static HttpResponse error(int status, String message, String type, String param, String code) {
        return VectorApi.json(status, g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", type);
            if (param == null) {
                g.writeNullField("param");
            } else {
                g.writeStringField("param", param);
            }
            if (code == null) {
                g.writeNullField("code");
            } else {
                g.writeStringField("code", code);
            }
            if (RequestContext.currentId() != null) {
                g.writeStringField("request_id", RequestContext.currentId());
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }
}
