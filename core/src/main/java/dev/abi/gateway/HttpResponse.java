package dev.abi.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A provider-neutral HTTP response: what every adapter encodes back into its platform's reply. A streamed response
 * ({@link #streaming}) carries a {@link BodyStream} instead of a body: servers that can stream (the local Vert.x
 * server) write its chunks as they come; buffered platforms (Lambda, Azure) take {@link #bufferedBody()}.
 */
public record HttpResponse(int status, Map<String, String> headers, byte[] body, BodyStream stream) {

    /** Produces a body chunk by chunk. */
    @FunctionalInterface
    public interface BodyStream {
        /** Writes the whole body to {@code sink}, chunk by chunk; returns when the body is complete. */
        void writeTo(Consumer<byte[]> sink);
    }

    public HttpResponse(int status, Map<String, String> headers, byte[] body) {
        this(status, headers, body, null);
    }

    /** A response whose body is produced while it is being sent. */
    public static HttpResponse streaming(int status, Map<String, String> headers, BodyStream stream) {
        return new HttpResponse(status, headers, new byte[0], stream);
    }

    /** The whole body: the bytes, or for a streamed response, all its chunks (runs the stream). */
    public byte[] bufferedBody() {
        if (stream == null) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stream.writeTo(out::writeBytes);
        return out.toByteArray();
    }

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
        return new String(bufferedBody(), StandardCharsets.UTF_8);
    }
}
