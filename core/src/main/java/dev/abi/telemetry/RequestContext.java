package dev.abi.telemetry;

/**
 * The id of the request the current thread is serving, for log lines and outgoing calls made on its behalf. The
 * gateway enters it when a request starts and closes it when the request ends; outside a request it is null.
 * Work handed to other threads does not see it (pass the id along where that matters).
 */
public final class RequestContext {

    private static final ThreadLocal<String> ID = new ThreadLocal<>();

    private RequestContext() {}

    /** The current request's id, or null outside a request. */
    public static String currentId() {
        return ID.get();
    }

    /**
     * Makes {@code requestId} the current id until the returned scope is closed, which restores the one before (a
     * request served inside another, as a test may do, gets its own id and leaves the outer one intact).
     */
    public static Scope enter(String requestId) {
        String outer = ID.get();
        ID.set(requestId);
        return () -> {
            if (outer == null) {
                ID.remove();
            } else {
                ID.set(outer);
            }
        };
    }

    /**
     * Somewhere else the id is put while a request runs, such as a logging framework's MDC, so that its own log
     * lines carry the id too.
     */
    @FunctionalInterface
    public interface Binding {

        /** Puts nothing anywhere. */
        Binding NONE = requestId -> () -> {};

        /** Puts {@code requestId} in place; the returned scope takes it away again. */
        Scope bind(String requestId);
    }

    /** Ends a request's context; closing never throws. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
