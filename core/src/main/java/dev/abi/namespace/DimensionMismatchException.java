package dev.abi.namespace;

/** A vector's dimension differs from its namespace's; {@link #field()} names it, e.g. {@code vectors[3].values}. */
public final class DimensionMismatchException extends RuntimeException {

    private final String field;
    private final int expected;
    private final int actual;

    public DimensionMismatchException(String field, String namespace, int expected, int actual) {
        super(field + " has " + actual + " dimensions; namespace '" + namespace + "' has " + expected);
        this.field = field;
        this.expected = expected;
        this.actual = actual;
    }

    public String field() {
        return field;
    }

    public int expected() {
        return expected;
    }

    public int actual() {
        return actual;
    }
}
