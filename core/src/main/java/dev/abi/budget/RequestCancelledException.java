package dev.abi.budget;

/** Work stopped because the request's caller went away ({@link Cancellation}); nobody is left to read an answer. */
public final class RequestCancelledException extends RuntimeException {

    /** @param where what was about to be done when the cancellation was seen */
    public RequestCancelledException(String where) {
        super("the client went away; stopped before " + where);
    }
}
