package dev.abi.azure;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The request the Azure Functions Java worker hands to a {@code binary} HTTP trigger, built the way the worker builds
 * it: URI, method, headers, query and the raw body bytes. The Functions host itself (Core Tools) cannot run here.
 */
record HostRequest(HttpMethod method, URI uri, Map<String, String> headers, Optional<byte[]> body)
        implements HttpRequestMessage<Optional<byte[]>> {

    static HostRequest of(String method, String pathAndQuery, String body) {
        return new HostRequest(
                HttpMethod.value(method),
                URI.create("https://abi.azurewebsites.net" + pathAndQuery),
                Map.of(
                        "content-type",
                        "application/json",
                        "authorization",
                        "Bearer test-bootstrap-key-0123456789abcdef"),
                Optional.ofNullable(body).map(b -> b.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public URI getUri() {
        return uri;
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        return headers;
    }

    @Override
    public Map<String, String> getQueryParameters() {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return query;
    }

    @Override
    public Optional<byte[]> getBody() {
        return body;
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return new Reply.Builder(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new Reply.Builder(status);
    }

    /** The reply the worker would serialize back to the host. */
    record Reply(HttpStatusType status, Map<String, String> headers, Object body) implements HttpResponseMessage {

        @Override
        public HttpStatusType getStatus() {
            return status;
        }

        @Override
        public String getHeader(String key) {
            return headers.get(key);
        }

        @Override
        public Object getBody() {
            return body;
        }

        String bodyText() {
            return body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(body);
        }

        static final class Builder implements HttpResponseMessage.Builder {
            private HttpStatusType status;
            private final Map<String, String> headers = new HashMap<>();
            private Object body;

            Builder(HttpStatusType status) {
                this.status = status;
            }

            @Override
            public HttpResponseMessage.Builder status(HttpStatusType status) {
                this.status = status;
                return this;
            }

            @Override
            public HttpResponseMessage.Builder header(String key, String value) {
                headers.put(key, value);
                return this;
            }

            @Override
            public HttpResponseMessage.Builder body(Object body) {
                this.body = body;
                return this;
            }

            @Override
            public HttpResponseMessage build() {
                return new Reply(status, Map.copyOf(headers), body);
            }
        }
    }
}
