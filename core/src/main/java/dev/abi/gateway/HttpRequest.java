package dev.abi.gateway;

import dev.abi.budget.Cancellation;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A provider-neutral HTTP request: what every adapter decodes its trigger into.
 *
 * @param method  upper-case HTTP method
 * @param path    raw (still percent-encoded) path without the query string, e.g. {@code /v1/namespaces/docs}
 * @param query   decoded query parameters (first value wins)
 * @param headers headers with lower-case names (values of repeated headers joined with {@code ,})
 * @param body    the body bytes, empty when there is none
 * @param cancellation set by the front door when the client goes away, so that long work for it stops
 *     ({@link Cancellation#NONE} where the front door cannot tell)
 */
public record HttpRequest(
        String method,
        String path,
        Map<String, String> query,
        Map<String, String> headers,
        byte[] body,
        Cancellation cancellation) {

    public HttpRequest {
        method = method.toUpperCase(Locale.ROOT);
        query = query == null ? Map.of() : Map.copyOf(query);
        headers = lowerCaseKeys(headers);
        body = body == null ? new byte[0] : body;
        cancellation = cancellation == null ? Cancellation.NONE : cancellation;
    }

    /** A request that is never cancelled. */
    public HttpRequest(
            String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {
        this(method, path, query, headers, body, Cancellation.NONE);
    }

    /** A header by case-insensitive name, or {@code null}. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        headers.forEach((k, v) -> out.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
        return Map.copyOf(out);
    }
}
