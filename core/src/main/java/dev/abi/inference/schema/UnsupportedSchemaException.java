package dev.abi.inference.schema;

/**
 * A schema outside the supported subset, or malformed. {@code path} names the offending keyword from the schema's
 * root, dot-separated ({@code properties.name.pattern}); empty for the root itself.
 */
public final class UnsupportedSchemaException extends IllegalArgumentException {

    private final String path;

    public UnsupportedSchemaException(String path, String message) {
        super((path.isEmpty() ? "the schema" : path) + ": " + message);
        this.path = path;
    }

    /** Where in the schema the offending keyword is, dot-separated from the root. */
    public String path() {
        return path;
    }
}
