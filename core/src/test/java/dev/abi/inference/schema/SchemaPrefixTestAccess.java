package dev.abi.inference.schema;

/** The test schemas of {@link SchemaPrefixTest}, for tests in other packages. */
public final class SchemaPrefixTestAccess {

    /** A schema as Pydantic writes one: {@code $defs}, {@code $ref}, an optional field as {@code anyOf}. */
    public static final String PYDANTIC = SchemaPrefixTest.PYDANTIC;

    private SchemaPrefixTestAccess() {}
}
