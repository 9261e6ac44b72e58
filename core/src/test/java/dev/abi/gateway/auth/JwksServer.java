package dev.abi.gateway.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test identity provider on an ephemeral loopback port: {@code /jwks} serves whatever JWKS the test sets, and
 * {@code /.well-known/openid-configuration} a discovery document. It counts JWKS requests and can be made to hang
 * (until released) or stopped outright.
 */
final class JwksServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicReference<String> jwks = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicReference<String> discoveryIssuer = new AtomicReference<>();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private volatile CountDownLatch hang;

    JwksServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", ex -> {
            jwksRequests.incrementAndGet();
            CountDownLatch h = hang;
            if (h != null) {
                try {
                    h.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            reply(ex, 200, jwks.get());
        });
        server.createContext("/.well-known/openid-configuration", ex -> {
            String issuer = discoveryIssuer.get() == null ? base() : discoveryIssuer.get();
            reply(ex, 200, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + base() + "/jwks\"}");
        });
        server.start();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** {@code http://127.0.0.1:<port>}: the issuer for discovery. */
    String base() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort();
    }

    String jwksUrl() {
        return base() + "/jwks";
    }

    void serve(String jwksJson) {
        jwks.set(jwksJson);
    }

    /** Makes discovery claim another issuer. */
    void discoveryIssuer(String issuer) {
        discoveryIssuer.set(issuer);
    }

    int jwksRequests() {
        return jwksRequests.get();
    }

    /** JWKS requests wait (up to 30 s) until the returned latch is counted down. */
    CountDownLatch hang() {
        CountDownLatch h = new CountDownLatch(1);
        hang = h;
        return h;
    }

    @Override
    public void close() {
        CountDownLatch h = hang;
        if (h != null) {
            h.countDown();
        }
        server.stop(0);
    }
}
