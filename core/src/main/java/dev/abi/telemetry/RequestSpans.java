package dev.abi.telemetry;

/** The facts a request span ends with, named as OpenTelemetry's HTTP semantic conventions name them. */
public final class RequestSpans {

    private RequestSpans() {}

    /**
     * Adds the matched route pattern ({@code unmatched} when none) and the status to {@code span}; a 5xx marks it
     * failed.
     */
    public static void finish(Tracing.Span span, String route, int status) {
        span.attribute("http.route", route == null ? "unmatched" : route)
                .attribute("http.response.status_code", Integer.toString(status));
        if (status >= 500) {
            span.error(new IllegalStateException("HTTP " + status));
        }
    }
}
