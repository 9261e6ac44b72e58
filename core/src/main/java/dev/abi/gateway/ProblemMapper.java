package dev.abi.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.budget.BudgetExceededException;
import dev.abi.budget.RequestCancelledException;
import dev.abi.documents.DocumentFormatException;
import dev.abi.gateway.auth.ForbiddenException;
import dev.abi.gateway.auth.UnauthenticatedException;
import dev.abi.gateway.ratelimit.RateLimitedException;
import dev.abi.resilience.CircuitOpenException;
import dev.abi.events.UnsupportedObjectException;
import dev.abi.inference.ModelFormatException;
import dev.abi.inference.UnknownModelException;
import dev.abi.inference.UnsupportedModelException;
import dev.abi.inference.WrongModelKindException;
import dev.abi.namespace.ConcurrentWriteException;
import dev.abi.namespace.DimensionMismatchException;
import dev.abi.namespace.LeftoverDataException;
import dev.abi.namespace.NamespaceConflictException;
import dev.abi.namespace.NamespaceNotFoundException;
import dev.abi.namespace.NamespaceQuotaException;
import dev.abi.namespace.NotImplementedYetException;
import dev.abi.namespace.RepairRefusedException;
import dev.abi.namespace.VectorNotFoundException;
import dev.abi.namespace.VersionNotFoundException;
import dev.abi.namespace.WritesHeldException;
import dev.abi.namespace.SnapshotExistsException;
import dev.abi.namespace.SnapshotNotFoundException;
import dev.abi.store.CommitContentionException;
import dev.abi.store.CorruptObjectException;
import dev.abi.store.ObjectStoreException;
import dev.abi.vector.InvalidFilterException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where failures become HTTP answers: RFC 9457 problem details with
 * {@code Content-Type: application/problem+json}. Unexpected exceptions give a 500 whose body names no internals;
 * the stack trace goes to the log only.
 */
public final class ProblemMapper {

    private static final System.Logger LOG = System.getLogger(ProblemMapper.class.getName());
    private static final String TYPE_BASE = "https://abi.dev/problems/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemMapper() {
    }

    public static HttpResponse toResponse(Throwable t) {
        return map(t, true);
    }

    /** The HTTP status {@link #toResponse} gives this failure, without logging it. */
    public static int statusOf(Throwable t) {
        return map(t, false).status();
    }

    private static HttpResponse map(Throwable t, boolean log) {
        return switch (t) {
            case ValidationException e -> problem(400, "validation", "Invalid request", e.getMessage(), e.errors(), Map.of());
            case InvalidFilterException e -> problem(400, "validation", "Invalid request", e.getMessage(),
                    List.of(new FieldError(e.field(), e.reason())), Map.of());
            case DimensionMismatchException e -> problem(400, "validation", "Invalid request", e.getMessage(),
                    List.of(new FieldError(e.field(), "expected " + e.expected() + " dimensions, got " + e.actual())),
                    Map.of());
            case UnsupportedObjectException e -> problem(400, "validation", "Invalid request", e.getMessage(),
                    List.of(new FieldError("key", e.getMessage())), Map.of());
            case DocumentFormatException e -> problem(400, "validation", "Invalid request", e.getMessage(),
                    List.of(new FieldError(e.source(), e.getMessage())), Map.of());
            case UnknownModelException e -> problem(400, "validation", "Invalid request", e.getMessage(),
                    List.of(new FieldError("model", e.getMessage())), Map.of());
            case WrongModelKindException e -> problem(400, "validation", "Invalid request", e.getMessage(),
                    List.of(new FieldError("model", e.getMessage())), Map.of());
            case UnsupportedModelException e -> problem(501, "not-implemented", "Not implemented", e.getMessage(),
                    List.of(), Map.of());
            case ModelFormatException e -> {
                if (log) {
                    LOG.log(System.Logger.Level.ERROR, "model file unusable", e);
                }
                yield problem(500, "model-unusable", "Model file unusable", e.getMessage(), List.of(), Map.of());
            }
            case UnauthenticatedException e -> problem(401, "unauthorized", "Unauthorized", e.getMessage(), List.of(),
                    Map.of("WWW-Authenticate", "Bearer realm=\"abi\""));
            case ForbiddenException e -> problem(403, "forbidden", "Forbidden", e.getMessage(), List.of(), Map.of());
            case RateLimitedException e -> problem(429, "rate-limited", "Too many requests", e.getMessage(), List.of(),
                    e.decision().headers());
            case CircuitOpenException e -> problem(503, "unavailable", "Service unavailable", e.getMessage(), List.of(),
                    Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
            case HeadersTooLargeException e -> problem(431, "headers-too-large", "Request headers too large",
                    e.getMessage(), List.of(), Map.of());
            case IdempotencyMismatchException e -> problem(422, "idempotency-key-reused", "Idempotency key reused",
                    e.getMessage(), List.of(new FieldError("Idempotency-Key", e.getMessage())), Map.of());
            case IdempotencyConflictException e -> problem(409, "idempotency-conflict", "Idempotency key conflict",
                    e.getMessage(), List.of(new FieldError("Idempotency-Key", e.getMessage())), Map.of());
            case NamespaceNotFoundException e -> problem(404, "not-found", "Not found", e.getMessage(), List.of(), Map.of());
            case VectorNotFoundException e -> problem(404, "not-found", "Not found", e.getMessage(), List.of(), Map.of());
            case VersionNotFoundException e -> problem(404, "not-found", "Not found", e.getMessage(), List.of(), Map.of());
            case SnapshotNotFoundException e -> problem(404, "not-found", "Not found", e.getMessage(), List.of(), Map.of());
            case SnapshotExistsException e -> problem(409, "conflict", "Conflict", e.getMessage(), List.of(), Map.of());
            case RouteNotFoundException e -> problem(404, "not-found", "Not found", e.getMessage(), List.of(), Map.of());
            case MethodNotAllowedException e -> problem(405, "method-not-allowed", "Method not allowed", e.getMessage(),
                    List.of(), Map.of("Allow", String.join(", ", e.allowed())));
            case NamespaceQuotaException e -> problem(409, "quota-exceeded", "Quota exceeded", e.getMessage(), List.of(),
                    Map.of());
            case NamespaceConflictException e -> problem(409, "conflict", "Conflict", e.getMessage(), List.of(), Map.of());
            case RepairRefusedException e -> problem(409, "conflict", "Conflict", e.getMessage(), List.of(), Map.of());
            case LeftoverDataException e -> problem(409, "leftover-data", "Namespace data without a config",
                    e.getMessage(), List.of(), Map.of());
            case WritesHeldException e -> problem(503, "repair-needed", "Namespace needs repair", e.getMessage(),
                    List.of(), Map.of("X-Abi-Corrupt-Object", e.key(), "Retry-After", "60"));
            case PayloadTooLargeException e -> problem(413, "payload-too-large", "Payload too large", e.getMessage(),
                    List.of(), Map.of());
            case BudgetExceededException e -> problem(413, "budget-exceeded", "Request over the compute budget",
                    e.getMessage(), List.of(new FieldError(e.field(), e.getMessage())), Map.of());
            // nobody reads this answer: the client has gone (499, "client closed request", as nginx logs it)
            case RequestCancelledException e -> problem(499, "cancelled", "Client closed request", e.getMessage(),
                    List.of(), Map.of());
            case NotImplementedYetException e -> problem(501, "not-implemented", "Not implemented", e.getMessage(),
                    List.of(), Map.of());
            case CommitContentionException e -> problem(503, "unavailable", "Service unavailable", e.getMessage(),
                    List.of(), Map.of("Retry-After", "1"));
            case ConcurrentWriteException e -> problem(503, "unavailable", "Service unavailable", e.getMessage(),
                    List.of(), Map.of("Retry-After", "1"));
            case ObjectStoreException e -> {
                if (log) {
                    LOG.log(System.Logger.Level.ERROR, "object store failure", e);
                }
                yield problem(503, "unavailable", "Service unavailable", "the object store is unavailable; retry later",
                        List.of(), Map.of("Retry-After", "1"));
            }
            case CorruptObjectException e -> {
                if (log) {
                    LOG.log(System.Logger.Level.ERROR, "corrupt object", e);
                }
                yield problem(500, "corrupt-object", "Stored object failed verification",
                        "object '" + e.key() + "' failed its checksum or format check; see the server log",
                        List.of(), Map.of("X-Abi-Corrupt-Object", e.key()));
            }
            default -> {
                if (log) {
                    LOG.log(System.Logger.Level.ERROR, "unexpected failure", t);
                }
                yield problem(500, "internal", "Internal error", "an unexpected error occurred; see the server log",
                        List.of(), Map.of());
            }
        };
    }

    static HttpResponse problem(int status, String type, String title, String detail, List<FieldError> errors,
                                Map<String, String> extraHeaders) {
        ObjectNode body = JSON.createObjectNode()
                .put("type", TYPE_BASE + type)
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
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
