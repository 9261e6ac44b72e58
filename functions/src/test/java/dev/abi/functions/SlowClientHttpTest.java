package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clients that start a request and never finish it are disconnected by the server (the idle timeout, shortened here
 * to one second), so they cannot hold connections, and file descriptors, for ever. Only the end of the stream is
 * asserted, never how long it took; the socket's read timeout is a hang guard.
 */
@QuarkusTest
@TestProfile(SlowClientHttpTest.ShortIdleTimeout.class)
class SlowClientHttpTest {

    /** A one-second idle timeout. */
    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "1S", "abi.data-dir", "target/slow-client-test-data");
        }
    }

    /** Hang guard: far longer than the idle timeout; reaching it fails the test with a SocketTimeoutException. */
    private static final int HANG_GUARD_MILLIS = 120_000;

    @TestHTTPResource("/")
    URI base;

    /** Sends {@code partial}, then reads until the server closes the connection; returns what it answered. */
    private String sendAndReadUntilClosed(String partial) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(HANG_GUARD_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(partial.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answered = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                answered.append((char) b);
            }
            return answered.toString();
        }
    }

    @Test
    void halfARequestHeaderIsDisconnected() throws Exception {
        String answered = sendAndReadUntilClosed("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Half: ");
        assertEquals("", answered, "the request never completed, so nothing was answered");
        assertEquals(200, health(), "the server still answers others");
    }

    @Test
    void aBodyThatNeverArrivesIsDisconnected() throws Exception {
        String answered = sendAndReadUntilClosed("POST /v1/namespaces/slow/query HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"topK\":");
        assertEquals("", answered, "the body never completed, so nothing was answered");
        assertEquals(200, health());
    }

    private int health() throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(base.resolve("health")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
