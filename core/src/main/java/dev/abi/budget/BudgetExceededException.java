package dev.abi.budget;

/**
 * A request asks for more work than one request may do ({@link ComputeBudget}): too many tokens to embed, too many
 * messages, too long a prompt. Mapped to 413 naming {@link #field()}.
 */
public final class BudgetExceededException extends RuntimeException {

    private final String field;
    private final long limit;

    /**
     * @param field   the request field that is too large, e.g. {@code input} or {@code messages}
     * @param problem what is too large, with the numbers
     * @param limit   the limit it went over
     */
    public BudgetExceededException(String field, String problem, long limit) {
        super(field + ": " + problem);
        this.field = field;
        this.limit = limit;
    }

    /** The request field that is too large. */
    public String field() {
        return field;
    }

    /** The limit it went over. */
    public long limit() {
        return limit;
    }
}
