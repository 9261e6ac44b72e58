package dev.abi.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.GatewaySecurity;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.HttpResponse;
import dev.abi.gateway.Limits;
import dev.abi.gateway.Router;
import dev.abi.inference.ModelRegistry;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.store.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every route of the gateway against every kind of credential: none, a bad API key, an expired JWT, an
 * {@code alg:none} JWT, a JWT for another audience, the wrong role, and the right role (API key, HS256, RS256 and
 * ES256 JWTs). Public routes answer without credentials.
 */
class AuthMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] HS_SECRET = "a-secret-of-at-least-thirty-two-bytes!!".getBytes(StandardCharsets.UTF_8);
    private static final String ISSUER = "https://issuer.test";
    private static final String AUDIENCE = "abi";

    private MutableClock clock;
    private Gateway gateway;
    private ApiKeys keys;
    private KeyPair rsa;
    private KeyPair ec;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z").toEpochMilli());
        InMemoryObjectStore objects = new InMemoryObjectStore();
        keys = new ApiKeys(objects, clock);
        KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA");
        rg.initialize(2048);
        rsa = rg.generateKeyPair();
        KeyPairGenerator eg = KeyPairGenerator.getInstance("EC");
        eg.initialize(new ECGenParameterSpec("secp256r1"));
        ec = eg.generateKeyPair();
        JwtVerifier jwt = JwtVerifier.builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .clockSkewSeconds(60)
                .clock(clock)
                .hmacSecret("hs", HS_SECRET)
                .publicKeyPem("rs", pem(rsa))
                .publicKeyPem("es", pem(ec))
                .build();
        Authenticator auth = new Authenticator(true, "bootstrap-admin-key-for-tests", keys, jwt);
        gateway = new Gateway(
                new NamespaceService(new NamespaceStore(new InMemoryObjectStore())),
                Limits.defaults(),
                List.of(),
                null,
                new ModelRegistry(Map.of()),
                null,
                new GatewaySecurity(auth, null, null, null));
    }

    private static String pem(KeyPair kp) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(kp.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String jwt(String alg, String kid, Map<String, Object> claims) throws Exception {
        String header = b64(JSON.writeValueAsBytes(Map.of("alg", alg, "kid", kid, "typ", "JWT")));
        String payload = b64(JSON.writeValueAsBytes(claims));
        byte[] input = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
        byte[] sig = switch (alg) {
            case "HS256" -> {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(HS_SECRET, "HmacSHA256"));
                yield mac.doFinal(input);
            }
            case "RS256" -> {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(rsa.getPrivate());
                s.update(input);
                yield s.sign();
            }
            case "ES256" -> {
                Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
                s.initSign(ec.getPrivate());
                s.update(input);
                yield s.sign();
            }
            default -> new byte[0];
        };
        return header + "." + payload + "." + b64(sig);
    }

    private Map<String, Object> claims(List<String> roles, Object aud, long expInSeconds) {
        long now = clock.millis() / 1000;
        return Map.of(
                "sub", "user-1", "iss", ISSUER, "aud", aud, "exp", now + expInSeconds, "nbf", now - 10, "roles", roles);
    }

    private HttpResponse call(Router.RouteInfo route, String bearer) {
        String path = route.pattern().replace("{ns}", "docs").replace("{id}", "0123456789ab");
        Map<String, String> headers = bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer);
        return gateway.handle(new HttpRequest(
                route.method(),
                path,
                Map.of(),
                headers,
                route.method().equals("GET") || route.method().equals("DELETE") ? null : "{}".getBytes()));
    }

    @Test
    void everyRouteRefusesEveryBadCredentialAndAcceptsTheRightRole() throws Exception {
        String readOnly =
                keys.create("reader", List.of(Grant.parse("read:docs"))).key();
        String otherNs =
                keys.create("other", List.of(Grant.parse("admin:elsewhere"))).key();
        String adminKey = keys.create("admin", List.of(Grant.parse("admin:*"))).key();
        String bad = adminKey.substring(0, adminKey.length() - 3) + "xyz";
        String expired = jwt("HS256", "hs", claims(List.of("admin:*"), AUDIENCE, -3600));
        String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "."
                + b64(JSON.writeValueAsBytes(claims(List.of("admin:*"), AUDIENCE, 3600))) + ".";
        String wrongAudience = jwt("RS256", "rs", claims(List.of("admin:*"), "someone-else", 3600));
        List<Router.RouteInfo> routes = gateway.routes();
        assertTrue(routes.size() >= 20, "routes: " + routes.size());
        int checked = 0;
        for (Router.RouteInfo route : routes) {
            String what = route.method() + " " + route.pattern();
            if (route.role() == null) {
                assertNotEquals(401, call(route, null).status(), what + " is public");
                continue;
            }
            assertEquals(401, call(route, null).status(), what + " without credentials");
            assertTrue(call(route, null).headers().containsKey("WWW-Authenticate"), what);
            assertEquals(401, call(route, bad).status(), what + " with a bad key");
            assertEquals(401, call(route, expired).status(), what + " with an expired JWT");
            assertEquals(401, call(route, none).status(), what + " with alg:none");
            assertEquals(401, call(route, wrongAudience).status(), what + " with a wrong audience");
            if (route.role() != Role.READ || route.pattern().contains("{ns}")) {
                // read:docs is not enough for write/admin routes; admin on another namespace is not enough here
                String wrong = route.role() == Role.READ ? otherNs : readOnly;
                assertEquals(403, call(route, wrong).status(), what + " with the wrong role");
            } else {
                assertEquals(403, call(route, readOnly).status(), what + " needs read on * (read:docs is not)");
            }
            for (String right : List.of(
                    adminKey,
                    jwt("HS256", "hs", claims(List.of("admin:*"), AUDIENCE, 3600)),
                    jwt("RS256", "rs", claims(List.of("admin:*"), List.of("x", AUDIENCE), 3600)),
                    jwt("ES256", "es", claims(List.of("admin:*"), AUDIENCE, 3600)),
                    "bootstrap-admin-key-for-tests")) {
                int status = call(route, right).status();
                assertTrue(status != 401 && status != 403, what + " with the right role gave " + status);
            }
            if (route.role() == Role.READ && route.pattern().contains("{ns}")) {
                int status = call(route, readOnly).status();
                assertTrue(status != 401 && status != 403, what + " with read:docs gave " + status);
            }
            checked++;
        }
        assertTrue(checked >= 18, "checked " + checked);
    }

    @Test
    void hmacConfusionScopeClaimsAndClockSkew() throws Exception {
        Router.RouteInfo query = new Router.RouteInfo("POST", "/v1/namespaces/{ns}/query", Role.READ);
        // an RS256 public key used as an HS256 secret must not verify
        String header = b64("{\"alg\":\"HS256\",\"kid\":\"rs\"}".getBytes());
        String payload = b64(JSON.writeValueAsBytes(claims(List.of("admin:*"), AUDIENCE, 3600)));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pem(rsa).getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        String confused = header + "." + payload + "." + b64(mac.doFinal((header + "." + payload).getBytes()));
        assertEquals(401, call(query, confused).status());
        // scope claim instead of roles
        long now = clock.millis() / 1000;
        String scoped = jwt(
                "ES256",
                "es",
                Map.of("sub", "s", "iss", ISSUER, "aud", AUDIENCE, "exp", now + 60, "scope", "read:docs write:docs"));
        assertNotEquals(401, call(query, scoped).status());
        assertNotEquals(403, call(query, scoped).status());
        // expired 30 s ago is within the 60 s skew; 2 minutes ago is not
        assertNotEquals(
                401,
                call(query, jwt("HS256", "hs", claims(List.of("read:*"), AUDIENCE, -30)))
                        .status());
        assertEquals(
                401,
                call(query, jwt("HS256", "hs", claims(List.of("read:*"), AUDIENCE, -120)))
                        .status());
        HttpResponse r = call(query, jwt("HS256", "hs", claims(List.of("read:*"), AUDIENCE, -120)));
        JsonNode problem = JSON.readTree(r.body());
        assertTrue(problem.get("detail").asText().contains("expired"), problem.toString());
        assertFalse(r.bodyText().contains("user-1"), "no token content echoed");
    }

    @Test
    void keysAreCreatedListedAndRevokedThroughTheAdminRoutes() throws Exception {
        Map<String, String> boot = Map.of("Authorization", "Bearer bootstrap-admin-key-for-tests");
        HttpResponse created = gateway.handle(new HttpRequest(
                "POST", "/v1/admin/keys", Map.of(), boot, "{\"name\":\"ci\",\"grants\":[\"write:docs\"]}".getBytes()));
        assertEquals(201, created.status(), created.bodyText());
        JsonNode body = JSON.readTree(created.body());
        String key = body.get("key").asText();
        String id = body.get("id").asText();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + key);
        HttpResponse upsert = gateway.handle(new HttpRequest(
                "POST",
                "/v1/namespaces/docs/vectors",
                Map.of(),
                auth,
                "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]}]}".getBytes()));
        assertEquals(200, upsert.status(), upsert.bodyText());
        HttpResponse list = gateway.handle(new HttpRequest("GET", "/v1/admin/keys", Map.of(), boot, null));
        assertTrue(
                list.bodyText().contains(id) && !list.bodyText().contains(key.substring(17)),
                "listed without the secret");
        assertEquals(
                403,
                gateway.handle(new HttpRequest("GET", "/v1/admin/keys", Map.of(), auth, null))
                        .status());
        assertEquals(
                204,
                gateway.handle(new HttpRequest("DELETE", "/v1/admin/keys/" + id, Map.of(), boot, null))
                        .status());
        HttpResponse after = gateway.handle(new HttpRequest(
                "POST",
                "/v1/namespaces/docs/vectors",
                Map.of(),
                auth,
                "{\"vectors\":[{\"id\":\"b\",\"values\":[1,0]}]}".getBytes()));
        assertEquals(401, after.status(), "revoked on this instance at once");
        List<String> stored = new ArrayList<>();
        keys.list().forEach(k -> stored.add(k.id()));
        assertTrue(stored.contains(id));
    }
}
