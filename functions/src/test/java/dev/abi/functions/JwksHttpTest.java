package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code abi.auth.jwt.jwks-url} and {@code .audience} as a deployment sets them: the local server verifies RS256
 * tokens against a JWKS served by a JDK HTTP server on an ephemeral port, and refuses a token for another audience.
 */
@QuarkusTest
@TestProfile(JwksHttpTest.JwksProfile.class)
class JwksHttpTest {

    static final String AUDIENCE = "abi-http-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Set by {@link Idp#inject}: the identity provider's signing key. */
    KeyPair signing;
    /** Set by {@link Idp#inject}: how many times the JWKS was fetched. */
    AtomicInteger fetches;

    @TestHTTPResource("/")
    URI base;

    /** Auth on, keys only from the JWKS URL. */
    public static class JwksProfile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Idp.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "abi.auth.enabled",
                    "true",
                    "abi.auth.jwt.audience",
                    AUDIENCE,
                    "abi.data-dir",
                    "target/jwks-test-data");
        }
    }

    /** A JWKS endpoint with one RSA key, for the profile's lifetime. */
    public static class Idp implements QuarkusTestResourceLifecycleManager {
        private HttpServer server;
        private KeyPair key;
        private final AtomicInteger fetches = new AtomicInteger();

        @Override
        public Map<String, String> start() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                key = g.generateKeyPair();
                RSAPublicKey pub = (RSAPublicKey) key.getPublic();
                byte[] jwks = JSON.writeValueAsBytes(Map.of(
                        "keys",
                        List.of(Map.of(
                                "kty",
                                "RSA",
                                "kid",
                                "k1",
                                "use",
                                "sig",
                                "alg",
                                "RS256",
                                "n",
                                b64(unsigned(pub.getModulus())),
                                "e",
                                b64(unsigned(pub.getPublicExponent()))))));
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/jwks", ex -> {
                    fetches.incrementAndGet();
                    ex.sendResponseHeaders(200, jwks.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(jwks);
                    }
                });
                server.start();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("test JWKS server did not start", e);
            }
            return Map.of(
                    "abi.auth.jwt.jwks-url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(key, new TestInjector.MatchesType(KeyPair.class));
            injector.injectIntoFields(fetches, new TestInjector.MatchesType(AtomicInteger.class));
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String rs256(Object audience) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String head = b64("{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = b64(JSON.writeValueAsBytes(
                Map.of("sub", "idp-user", "aud", audience, "iat", now, "exp", now + 600, "roles", List.of("admin:*"))));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(signing.getPrivate());
        s.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
        return head + "." + body + "." + b64(s.sign());
    }

    private HttpResponse<String> list(String bearer) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve("v1/namespaces"))
                                .header("Authorization", "Bearer " + bearer)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tokensVerifyAgainstTheConfiguredJwksUrlAndAudience() throws Exception {
        HttpResponse<String> ok = list(rs256(AUDIENCE));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(200, list(rs256(List.of("other", AUDIENCE))).statusCode());
        assertEquals(1, fetches.get(), "the JWKS is fetched once and cached");
        HttpResponse<String> other = list(rs256("another-application"));
        assertEquals(401, other.statusCode(), other.body());
        assertTrue(other.body().contains("audience"), other.body());
    }
}
