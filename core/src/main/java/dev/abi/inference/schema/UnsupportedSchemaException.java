package dev.abi.inference.schema;

/**
 * A schema outside the supported subset, or malformed. {@code path} names the offending keyword from the schema's
 * root, dot-separated ({@code properties.name.pattern}); empty for the root itself.
 */
public final class UnsupportedSchemaException extends IllegalArgumentException {

    private final String path;
    private final String reason;

    public UnsupportedSchemaException(String path, String reason) {
        super((path.isEmpty() ? "the schema" : path) + ": " + reason);
        this.path = path;
        this.reason = reason;
    }

    /** What is wrong, without the path. */
    public String reason() {
        return reason;
    }

    /** Where in the schema the offending keyword is, dot-separated from the root. */
    public String path() {
        return path;
    }
}
