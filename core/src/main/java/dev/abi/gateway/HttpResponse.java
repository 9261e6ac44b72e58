package dev.abi.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A provider-neutral HTTP response: what every adapter encodes back into its platform's reply. */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    public HttpResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    static HttpResponse json(int status, byte[] body) {
        return new HttpResponse(status, Map.of("Content-Type", JSON), body);
    }

    static HttpResponse noContent() {
        return new HttpResponse(204, Map.of(), new byte[0]);
    }

    /** The body as UTF-8 text (for logs and tests). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
