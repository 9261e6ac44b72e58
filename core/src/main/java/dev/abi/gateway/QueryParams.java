package dev.abi.gateway;

/** Typed values of a request's query string, each a 400 naming the parameter when malformed or out of range. */
final class QueryParams {

    private QueryParams() {}

    /** An integer parameter in {@code min..max}; {@code dflt} when absent. */
    static long longIn(HttpRequest request, String name, long dflt, long min, long max) {
        String raw = request.query().get(name);
        if (raw == null || raw.isEmpty()) {
            return dflt;
        }
        long v;
        try {
            v = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ValidationException(name, "must be an integer between " + min + " and " + max);
        }
        if (v < min || v > max) {
            throw new ValidationException(name, "must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    /** An optional non-negative integer parameter; null when absent. */
    static Long optionalVersion(HttpRequest request, String name) {
        String raw = request.query().get(name);
        return raw == null || raw.isEmpty() ? null : longIn(request, name, 0, 0, Long.MAX_VALUE);
    }

    /** {@code true} or {@code false}; {@code dflt} when absent. */
    static boolean bool(HttpRequest request, String name, boolean dflt) {
        String raw = request.query().get(name);
        if (raw == null || raw.isEmpty()) {
            return dflt;
        }
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ValidationException(name, "must be true or false");
        };
    }

    /** A string parameter; null when absent. */
    static String string(HttpRequest request, String name) {
        String raw = request.query().get(name);
        return raw == null || raw.isEmpty() ? null : raw;
    }
}
