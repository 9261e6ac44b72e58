package dev.abi.failure;

import dev.abi.budget.BudgetExceededException;
import dev.abi.budget.RequestCancelledException;
import dev.abi.documents.DocumentFormatException;
import dev.abi.inference.ModelFormatException;
import dev.abi.inference.PromptTooLongException;
import dev.abi.inference.UnknownModelException;
import dev.abi.inference.UnsupportedModelException;
import dev.abi.inference.WrongModelKindException;
import dev.abi.namespace.ConcurrentWriteException;
import dev.abi.namespace.DimensionMismatchException;
import dev.abi.namespace.EmbeddingModelConflictException;
import dev.abi.namespace.LeftoverDataException;
import dev.abi.namespace.NamespaceConflictException;
import dev.abi.namespace.NamespaceNotFoundException;
import dev.abi.namespace.NamespaceQuotaException;
import dev.abi.namespace.NotImplementedYetException;
import dev.abi.namespace.RepairRefusedException;
import dev.abi.namespace.SnapshotExistsException;
import dev.abi.namespace.SnapshotNotFoundException;
import dev.abi.namespace.VectorNotFoundException;
import dev.abi.namespace.VersionNotFoundException;
import dev.abi.namespace.WritesHeldException;
import dev.abi.resilience.CircuitOpenException;
import dev.abi.store.CommitContentionException;
import dev.abi.store.CorruptObjectException;
import dev.abi.store.ObjectStoreException;
import dev.abi.vector.InvalidFilterException;
import java.util.List;
import java.util.Map;

/**
 * The one classification of failures. Each exception type maps to exactly one {@link Failure}; the renderers only
 * format it, and the event processor only asks {@link Failure#retryable()}. Anything unknown is a 500 whose detail
 * names no internals, logged with its stack trace.
 */
public final class Failures {

    private Failures() {}

    public static Failure classify(Throwable t) {
        return switch (t) {
            case Classified c -> c.failure();
            case InvalidFilterException e -> Failure.invalid(e.getMessage(), e.field(), e.reason());
            case DimensionMismatchException e ->
                Failure.invalid(
                        e.getMessage(), e.field(), "expected " + e.expected() + " dimensions, got " + e.actual());
            case DocumentFormatException e -> Failure.invalid(e.getMessage(), e.source(), e.getMessage());
            case UnknownModelException e ->
                Failure.of(404, "not-found", "Not found", e.getMessage())
                        .withErrors(List.of(new FieldError("model", e.getMessage())))
                        .withCode("model_not_found");
            case WrongModelKindException e ->
                Failure.invalid(e.getMessage(), "model", e.getMessage()).withCode("model_not_supported");
            case PromptTooLongException e ->
                Failure.invalid(e.getMessage(), e.param(), e.getMessage()).withCode("context_length_exceeded");
            case UnsupportedModelException e ->
                Failure.of(501, "not-implemented", "Not implemented", e.getMessage())
                        .withErrors(List.of(new FieldError("model", e.getMessage())))
                        .withCode("model_not_supported");
            case ModelFormatException e ->
                Failure.of(500, "model-unusable", "Model file unusable", e.getMessage())
                        .withErrors(List.of(new FieldError("model", e.getMessage())))
                        .withCode("model_unusable")
                        .logging(e);
            case CircuitOpenException e ->
                Failure.of(503, "unavailable", "Service unavailable", e.getMessage())
                        .withHeaders(Map.of("Retry-After", Long.toString(e.retryAfterSeconds())))
                        .withCode("unavailable");
            case NamespaceNotFoundException e -> notFound(e);
            case VectorNotFoundException e -> notFound(e);
            case VersionNotFoundException e -> notFound(e);
            case SnapshotNotFoundException e -> notFound(e);
            case SnapshotExistsException e -> Failure.of(409, "conflict", "Conflict", e.getMessage());
            case NamespaceQuotaException e -> Failure.of(409, "quota-exceeded", "Quota exceeded", e.getMessage());
            case NamespaceConflictException e -> Failure.of(409, "conflict", "Conflict", e.getMessage());
            case EmbeddingModelConflictException e ->
                Failure.of(409, "conflict", "Conflict", e.getMessage())
                        .withErrors(List.of(new FieldError("model", e.getMessage())));
            case RepairRefusedException e -> Failure.of(409, "conflict", "Conflict", e.getMessage());
            case LeftoverDataException e ->
                Failure.of(409, "leftover-data", "Namespace data without a config", e.getMessage());
            case WritesHeldException e ->
                Failure.of(503, "repair-needed", "Namespace needs repair", e.getMessage())
                        .withHeaders(Map.of("X-Abi-Corrupt-Object", e.key(), "Retry-After", "60"));
            case BudgetExceededException e ->
                Failure.of(413, "budget-exceeded", "Request over the compute budget", e.getMessage())
                        .withErrors(List.of(new FieldError(e.field(), e.getMessage())))
                        .withCode("request_too_large");
            // nobody reads this answer: the client has gone (499, "client closed request", as nginx logs it)
            case RequestCancelledException e -> Failure.of(499, "cancelled", "Client closed request", e.getMessage());
            case NotImplementedYetException e -> Failure.of(501, "not-implemented", "Not implemented", e.getMessage());
            case CommitContentionException e ->
                Failure.of(503, "unavailable", "Service unavailable", e.getMessage())
                        .withHeaders(Map.of("Retry-After", "1"));
            case ConcurrentWriteException e ->
                Failure.of(503, "unavailable", "Service unavailable", e.getMessage())
                        .withHeaders(Map.of("Retry-After", "1"));
            case ObjectStoreException e ->
                Failure.of(503, "unavailable", "Service unavailable", "the object store is unavailable; retry later")
                        .withHeaders(Map.of("Retry-After", "1"))
                        .logging(e);
            case CorruptObjectException e ->
                Failure.of(
                                500,
                                "corrupt-object",
                                "Stored object failed verification",
                                "object '" + e.key() + "' failed its checksum or format check; see the server log")
                        .withHeaders(Map.of("X-Abi-Corrupt-Object", e.key()))
                        .logging(e);
            case dev.abi.vector.CorruptSegmentException e ->
                Failure.of(
                                500,
                                "corrupt-object",
                                "Stored object failed verification",
                                "segment '" + e.segment() + "' failed its checksum or format check; see the server log")
                        .withHeaders(Map.of("X-Abi-Corrupt-Object", e.segment()))
                        .logging(e);
            default ->
                Failure.of(500, "internal", "Internal error", "an unexpected error occurred; see the server log")
                        .logging(t);
        };
    }

    private static Failure notFound(RuntimeException e) {
        return Failure.of(404, "not-found", "Not found", e.getMessage()).withCode("not_found");
    }
}
