package dev.abi.gateway;

import dev.abi.failure.Classified;
import dev.abi.failure.Failure;
import dev.abi.failure.FieldError;
import java.util.List;

/** The request is malformed or breaks a limit; answered with 400 and the offending fields. */
public final class ValidationException extends RuntimeException implements Classified {

    private final List<FieldError> errors;

    public ValidationException(String field, String message) {
        this(field + " " + message, List.of(new FieldError(field, message)));
    }

    public ValidationException(String detail, List<FieldError> errors) {
        super(detail);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    @Override
    public Failure failure() {
        return Failure.of(400, "validation", "Invalid request", getMessage()).withErrors(errors);
    }
}
