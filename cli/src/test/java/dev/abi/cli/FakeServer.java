package dev.abi.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small HTTP server for the command tests: records each request and answers with what the test's handler returns.
 */
public final class FakeServer implements AutoCloseable {

    /** One recorded request. */
    public record Request(String method, String path, String body, Map<String, List<String>> headers) {
        public String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    /** One reply. */
    public record Reply(int status, String body, Map<String, String> headers) {
        public static Reply json(int status, String body) {
            return new Reply(status, body, Map.of("Content-Type", "application/json"));
        }
    }

    /** Decides the reply to a request. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Request r);
    }

    private final HttpServer server;
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakeServer(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> serve(exchange, handler));
        server.start();
    }

    private void serve(HttpExchange ex, Handler handler) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request r = new Request(
                ex.getRequestMethod(), ex.getRequestURI().toString(), body, Map.copyOf(ex.getRequestHeaders()));
        requests.add(r);
        Reply reply;
        try {
            reply = handler.handle(r);
        } catch (RuntimeException e) {
            reply = Reply.json(500, "{\"detail\":\"test handler failed: " + e + "\"}");
        }
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(reply.status(), reply.status() == 204 ? -1 : out.length);
        if (reply.status() != 204) {
            ex.getResponseBody().write(out);
        }
        ex.close();
    }

    /** The base URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
