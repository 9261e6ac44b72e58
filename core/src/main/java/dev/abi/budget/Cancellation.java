package dev.abi.budget;

/**
 * Whether the caller of a request has gone away, so that the work done for it can stop. The front door sets it (the
 * local server when the client's connection closes); long loops (embedding batches, generated tokens) check it
 * between items and stop with {@link RequestCancelledException}. Implementations must be safe to read from the thread
 * doing the work while another thread sets them.
 */
@FunctionalInterface
public interface Cancellation {

    /** Never cancelled: the value for callers that cannot tell (Lambda, Azure, tests, background work). */
    Cancellation NONE = () -> false;

    /** True once the request's caller has gone away. */
    boolean isCancelled();

    /**
     * @param where what was about to be done, for the exception's message
     * @throws RequestCancelledException when cancelled
     */
    default void throwIfCancelled(String where) {
        if (isCancelled()) {
            throw new RequestCancelledException(where);
        }
    }
}
