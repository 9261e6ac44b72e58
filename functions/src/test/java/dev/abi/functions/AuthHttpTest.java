package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The local server with authentication, a rate limit, security headers and CORS configured through
 * {@code abi.*} properties: the wiring of {@link CoreBeans} as a deployment would use it.
 */
@QuarkusTest
@TestProfile(AuthHttpTest.AuthOn.class)
class AuthHttpTest {

    static final String BOOT = "http-test-bootstrap-key-0123456789";
    static final String SECRET = "an-hs256-secret-of-thirty-two-bytes-or-more";

    /** Auth on, one rate limit on the namespace list, headers and CORS. */
    public static class AuthOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("abi.auth.enabled", "true"),
                    Map.entry("abi.auth.bootstrap-key", BOOT),
                    Map.entry("abi.auth.jwt.hs256-secret", SECRET),
                    Map.entry("abi.auth.jwt.issuer", "https://issuer.test"),
                    // a token bucket of 3 a day: the 4th call is refused unless 8 hours pass between the calls (a
                    // fixed window on the real clock would reset at a boundary between them)
                    Map.entry("abi.rate-limits.list.algorithm", "token-bucket"),
                    Map.entry("abi.rate-limits.list.limit", "3"),
                    Map.entry("abi.rate-limits.list.window", "24H"),
                    Map.entry("abi.rate-limits.list.routes", "GET /v1/namespaces"),
                    Map.entry("abi.security-headers", "true"),
                    Map.entry("abi.cors-origins", "https://app.test"),
                    Map.entry("abi.data-dir", "target/auth-test-data"));
        }
    }

    @Test
    void objectIndexingNeedsCredentialsAndRefusesPathsOutOfTheBuckets() throws Exception {
        String body = "{\"bucket\":\"b\",\"key\":\"docs/a.md\"}";
        assertEquals(401, send("POST", "/indexObject", body, null).statusCode());
        assertEquals(401, send("POST", "/removeObject", body, null).statusCode());
        HttpResponse<String> traversal =
                send("POST", "/indexObject", "{\"bucket\":\"../../../../../..\",\"key\":\"tmp/x/creds.txt\"}", BOOT);
        assertEquals(400, traversal.statusCode(), traversal.body());
        assertTrue(traversal.body().contains("\"field\":\"bucket\""), traversal.body());
    }

    @TestHTTPResource("/")
    URI base;

    private HttpResponse<String> send(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String hs256(Map<String, Object> claims) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = b64.encodeToString(json.writeValueAsBytes(claims));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return head + "." + body + "."
                + b64.encodeToString(mac.doFinal((head + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withAuthOnAndNoHostSetTheServerListensOnEveryInterface() {
        assertEquals("0.0.0.0", ConfigProvider.getConfig().getValue("quarkus.http.host", String.class));
    }

    @Test
    void credentialsRolesRateLimitsAndHeadersAsConfigured() throws Exception {
        HttpResponse<String> anonymous = send("GET", "v1/namespaces", null, null);
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(
                "nosniff",
                anonymous.headers().firstValue("X-Content-Type-Options").orElse(""));

        HttpResponse<String> created =
                send("POST", "v1/admin/keys", "{\"name\":\"writer\",\"grants\":[\"write:authns\"]}", BOOT);
        assertEquals(201, created.statusCode(), created.body());
        String key = new ObjectMapper().readTree(created.body()).get("key").asText();
        assertEquals(
                200,
                send("POST", "v1/namespaces/authns/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}", key)
                        .statusCode());
        assertEquals(403, send("DELETE", "v1/namespaces/authns", null, key).statusCode(), "write is not admin");

        long now = System.currentTimeMillis() / 1000;
        String jwt = hs256(Map.of(
                "sub", "reader", "iss", "https://issuer.test", "exp", now + 300, "roles", List.of("read:authns")));
        HttpResponse<String> query = send("POST", "v1/namespaces/authns/query", "{\"vector\":[1,0]}", jwt);
        assertEquals(200, query.statusCode(), query.body());

        for (int i = 0; i < 3; i++) {
            assertEquals(200, send("GET", "v1/namespaces", null, BOOT).statusCode());
        }
        HttpResponse<String> limited = send("GET", "v1/namespaces", null, BOOT);
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());

        HttpRequest preflight = HttpRequest.newBuilder(base.resolve("v1/namespaces/authns/query"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.test")
                .header("Access-Control-Request-Method", "POST")
                .build();
        HttpResponse<String> cors = HttpClient.newHttpClient().send(preflight, HttpResponse.BodyHandlers.ofString());
        assertEquals(
                "https://app.test",
                cors.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    }
}
