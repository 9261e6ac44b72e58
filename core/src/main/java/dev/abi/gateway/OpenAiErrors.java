package dev.abi.gateway;

import dev.abi.budget.BudgetExceededException;
import dev.abi.gateway.auth.ForbiddenException;
import dev.abi.gateway.auth.UnauthenticatedException;
import dev.abi.gateway.ratelimit.RateLimitedException;
import dev.abi.inference.ModelFormatException;
import dev.abi.resilience.CircuitOpenException;
import dev.abi.inference.PromptTooLongException;
import dev.abi.inference.UnknownModelException;
import dev.abi.inference.UnsupportedModelException;
import dev.abi.inference.WrongModelKindException;

/**
 * Errors of the inference routes in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with the
 * same status codes as the rest of the API. The one place those routes map exceptions.
 */
final class OpenAiErrors {

    private static final System.Logger LOG = System.getLogger(OpenAiErrors.class.getName());

    private OpenAiErrors() {
    }

    static HttpResponse toResponse(Throwable t) {
        return switch (t) {
            case UnknownModelException e -> error(404, e.getMessage(), "invalid_request_error", "model",
                    "model_not_found");
            case ValidationException e -> error(400, e.getMessage(), "invalid_request_error",
                    e.errors().isEmpty() ? null : e.errors().get(0).field(), null);
            case PromptTooLongException e -> error(400, e.getMessage(), "invalid_request_error", e.param(),
                    "context_length_exceeded");
            case WrongModelKindException e -> error(400, e.getMessage(), "invalid_request_error", "model",
                    "model_not_supported");
            case UnauthenticatedException e -> withHeaders(error(401, e.getMessage(), "invalid_request_error", null,
                    "invalid_api_key"), java.util.Map.of("WWW-Authenticate", "Bearer realm=\"abi\""));
            case ForbiddenException e -> error(403, e.getMessage(), "invalid_request_error", null, "forbidden");
            case RateLimitedException e -> withHeaders(error(429, e.getMessage(), "rate_limit_error", null,
                    "rate_limit_exceeded"), e.decision().headers());
            case CircuitOpenException e -> withHeaders(error(503, e.getMessage(), "server_error", null, "unavailable"),
                    java.util.Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
            case RouteNotFoundException e -> error(404, e.getMessage(), "invalid_request_error", null, "not_found");
            case MethodNotAllowedException e -> withHeaders(error(405, e.getMessage(), "invalid_request_error", null,
                    "method_not_allowed"), java.util.Map.of("Allow", String.join(", ", e.allowed())));
            case HeadersTooLargeException e -> error(431, e.getMessage(), "invalid_request_error", null, null);
            case IdempotencyMismatchException e -> error(422, e.getMessage(), "invalid_request_error",
                    "Idempotency-Key", "idempotency_key_reused");
            case BudgetExceededException e -> error(413, e.getMessage(), "invalid_request_error", e.field(),
                    "request_too_large");
            case PayloadTooLargeException e -> error(413, e.getMessage(), "invalid_request_error", null, null);
            case UnsupportedModelException e -> error(501, e.getMessage(), "invalid_request_error", "model",
                    "model_not_supported");
            case ModelFormatException e -> {
                LOG.log(System.Logger.Level.ERROR, "model file unusable", e);
                yield error(500, e.getMessage(), "server_error", "model", "model_unusable");
            }
            default -> {
                // everything else is mapped (and, when unexpected, logged) as for the other routes, in OpenAI's shape
                HttpResponse problem = ProblemMapper.toResponse(t);
                String detail;
                try {
                    detail = JsonBodies.MAPPER.readTree(problem.body()).path("detail").asText();
                } catch (java.io.IOException e) {
                    detail = "an unexpected error occurred; see the server log";
                }
                java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(problem.headers());
                headers.remove("Content-Type");
                yield withHeaders(error(problem.status(), detail,
                        problem.status() >= 500 ? "server_error" : "invalid_request_error", null, null), headers);
            }
        };
    }

    private static HttpResponse withHeaders(HttpResponse r, java.util.Map<String, String> extra) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(r.headers());
        h.putAll(extra);
        return new HttpResponse(r.status(), h, r.body());
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
            g.writeEndObject();
            g.writeEndObject();
        });
    }
}
