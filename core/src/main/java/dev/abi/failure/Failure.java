package dev.abi.failure;

import java.util.List;
import java.util.Map;

/**
 * One failure, classified: what every renderer needs and nothing more.
 *
 * @param status    the HTTP status
 * @param type      the problem type's slug ({@code validation}, {@code not-found}, ...)
 * @param title     the problem's title
 * @param detail    what went wrong, for the caller (never internals or secrets)
 * @param errors    the fields at fault
 * @param headers   headers the answer carries ({@code Retry-After}, {@code Allow}, ...)
 * @param retryable whether sending the same request or event again can succeed (a platform retry, a redelivery)
 * @param code      the OpenAI error code ({@code model_not_found}, ...), or null
 * @param cause     an unexpected cause to log with its stack trace when rendered, or null
 */
public record Failure(
        int status,
        String type,
        String title,
        String detail,
        List<FieldError> errors,
        Map<String, String> headers,
        boolean retryable,
        String code,
        Throwable cause) {

    public Failure {
        errors = List.copyOf(errors);
        headers = Map.copyOf(headers);
    }

    /** A failure with no field errors, headers or code; retryable when the status says the server is at fault. */
    public static Failure of(int status, String type, String title, String detail) {
        return new Failure(
                status, type, title, detail, List.of(), Map.of(), status >= 500 || status == 429, null, null);
    }

    /** A 400 {@code validation} failure naming one field. */
    public static Failure invalid(String detail, String field, String message) {
        return of(400, "validation", "Invalid request", detail).withErrors(List.of(new FieldError(field, message)));
    }

    public Failure withErrors(List<FieldError> fieldErrors) {
        return new Failure(status, type, title, detail, fieldErrors, headers, retryable, code, cause);
    }

    public Failure withHeaders(Map<String, String> extra) {
        return new Failure(status, type, title, detail, errors, extra, retryable, code, cause);
    }

    public Failure withCode(String openAiCode) {
        return new Failure(status, type, title, detail, errors, headers, retryable, openAiCode, cause);
    }

    public Failure withRetryable(boolean canRetry) {
        return new Failure(status, type, title, detail, errors, headers, canRetry, code, cause);
    }

    /** This failure, logged with {@code logged}'s stack trace when rendered. */
    public Failure logging(Throwable logged) {
        return new Failure(status, type, title, detail, errors, headers, retryable, code, logged);
    }

    /** The field an OpenAI error names as {@code param}: the first field at fault, or null. */
    public String param() {
        return errors.isEmpty() ? null : errors.get(0).field();
    }
}
