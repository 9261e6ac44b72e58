package dev.abi.vector;

/** A filter expression that is not valid in the filter language; {@link #field()} names the offending part. */
public final class InvalidFilterException extends RuntimeException {

    private final String field;

    public InvalidFilterException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** Path of the offending part, such as {@code filter.$and[1].year.$gte}. */
    public String field() {
        return field;
    }

    /** The message without the field path. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
