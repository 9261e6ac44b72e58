package dev.abi.adapters;

/**
 * A provider event that cannot be decoded: the JSON is broken, or a field the trigger needs is missing or of the
 * wrong type. The message names the field ({@code Records[2].s3.object.key}). Redelivering such an event cannot
 * help, so a batch reports it as handled-and-refused rather than retrying it.
 */
public final class MalformedEventException extends RuntimeException {

    private final String field;

    public MalformedEventException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The path of the offending field in the provider event. */
    public String field() {
        return field;
    }
}
