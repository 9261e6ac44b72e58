package dev.abi.gateway.auth;

import static dev.abi.gateway.auth.TestJwts.header;
import static dev.abi.gateway.auth.TestJwts.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.abi.store.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JWKS served over HTTP by a JDK server on an ephemeral port: key rotation followed through an unknown {@code kid},
 * refreshes rate-limited, cached keys kept through an outage within the tolerance and not beyond, a hanging endpoint
 * cut off by the read timeout, and OIDC discovery. Cache ages come from a hand-moved clock; nothing sleeps.
 */
class RemoteJwksTest {

    private static final String AUDIENCE = "abi-api";
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration MIN_REFRESH = Duration.ofSeconds(30);
    private static final Duration TOLERANCE = Duration.ofHours(1);

    private static KeyPair key1;
    private static KeyPair key2;
    private static KeyPair key3;

    private MutableClock clock;
    private JwksServer idp;

    @BeforeAll
    static void keys() throws Exception {
        key1 = TestJwts.rsa(2048);
        key2 = TestJwts.rsa(2048);
        key3 = TestJwts.rsa(2048);
    }

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z").toEpochMilli());
        idp = new JwksServer();
    }

    @AfterEach
    void tearDown() {
        idp.close();
    }

    private static String jwks(Object... kidsAndKeys) {
        List<JWK> keys = new ArrayList<>();
        for (int i = 0; i < kidsAndKeys.length; i += 2) {
            keys.add(new RSAKey.Builder((RSAPublicKey) ((KeyPair) kidsAndKeys[i + 1]).getPublic())
                    .keyID((String) kidsAndKeys[i])
                    .build());
        }
        return new JWKSet(keys).toString(true);
    }

    /**
     * A verifier of the test's identity provider, with generous timeouts: they only turn a hang into a failure, so a
     * loaded machine cannot make a healthy fetch look like an outage. The read-timeout test sets its own.
     */
    private JwtVerifierBuilder builder() {
        return JwtVerifier.builder()
                .audience(AUDIENCE)
                .clock(clock)
                .jwksTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(1))
                .jwksCacheTtl(TTL)
                .jwksMinRefreshInterval(MIN_REFRESH)
                .jwksOutageTolerance(TOLERANCE);
    }

    private String token(String kid, KeyPair key) throws Exception {
        long now = clock.millis() / 1000;
        Map<String, Object> claims = new HashMap<>(
                Map.of("sub", "svc-" + kid, "aud", AUDIENCE, "exp", now + 300, "iat", now, "scope", "read:docs"));
        return sign(header("RS256", kid), claims, key.getPrivate());
    }

    private static String refusal(JwtVerifier v, String token) {
        return assertThrows(UnauthenticatedException.class, () -> v.verify(token))
                .getMessage();
    }

    @Test
    void rotationIsFollowedThroughAnUnknownKidAndRefreshesAreRateLimited() throws Exception {
        idp.serve(jwks("k1", key1));
        JwtVerifier v = builder().jwksUrl(idp.jwksUrl()).build();
        assertEquals(0, idp.jwksRequests(), "nothing fetched before the first token");
        assertEquals("jwt:svc-k1", v.verify(token("k1", key1)).id());
        assertEquals("jwt:svc-k1", v.verify(token("k1", key1)).id());
        assertEquals(1, idp.jwksRequests(), "cached");

        // the IdP rotates; within the minimum interval an unknown kid does not hit it again
        idp.serve(jwks("k2", key2));
        assertTrue(refusal(v, token("k2", key2)).contains("kid"));
        assertEquals(1, idp.jwksRequests(), "rate-limited");
        clock.advance(MIN_REFRESH);
        assertEquals("jwt:svc-k2", v.verify(token("k2", key2)).id(), "unknown kid refreshed the keys");
        assertEquals(2, idp.jwksRequests());

        // a flood of made-up kids costs at most one request per interval
        for (int i = 0; i < 200; i++) {
            refusal(v, token("forged-" + i, key3));
        }
        assertEquals(2, idp.jwksRequests(), "flood within the interval");
        clock.advance(MIN_REFRESH);
        for (int i = 0; i < 200; i++) {
            refusal(v, token("forged-" + i, key3));
        }
        assertEquals(3, idp.jwksRequests(), "one request for the next interval's flood");
        // k1 was removed by the IdP: tokens signed with it no longer verify
        assertTrue(refusal(v, token("k1", key1)).contains("kid"));
    }

    @Test
    void cachedKeysOutliveAnOutageWithinTheToleranceOnly() throws Exception {
        idp.serve(jwks("k1", key1));
        JwtVerifier v = builder().jwksUrl(idp.jwksUrl()).build();
        assertEquals("jwt:svc-k1", v.verify(token("k1", key1)).id());
        idp.close();

        clock.advance(TTL.plusMinutes(1));
        assertEquals("jwt:svc-k1", v.verify(token("k1", key1)).id(), "expired cache, endpoint down: still served");
        clock.advance(MIN_REFRESH);
        String unknown = refusal(v, token("k2", key2));
        assertTrue(unknown.contains("kid"), unknown);
        clock.advance(TOLERANCE.minusMinutes(2));
        assertEquals("jwt:svc-k1", v.verify(token("k1", key1)).id(), "just inside the tolerance");
        clock.advance(Duration.ofMinutes(2));
        String stale = refusal(v, token("k1", key1));
        assertTrue(stale.contains("outage tolerance"), stale);
    }

    @Test
    void theEndpointComingBackRestoresService() throws Exception {
        idp.serve(jwks("k1", key1));
        // the one short read timeout: long enough for the fetch after the release on a loaded machine, short enough
        // for the hang it cuts off
        JwtVerifier v = builder()
                .jwksTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(2))
                .jwksUrl(idp.jwksUrl())
                .build();
        CountDownLatch release = idp.hang();
        // the first fetch hangs: the read timeout ends it and the token is refused, not left waiting
        String msg = refusal(v, token("k1", key1));
        assertTrue(msg.contains("could not be fetched"), msg);
        release.countDown();
        clock.advance(MIN_REFRESH);
        assertEquals("jwt:svc-k1", v.verify(token("k1", key1)).id());
    }

    @Test
    void anUnreachableEndpointBeforeAnyFetchRefusesCleanly() throws Exception {
        String url = idp.jwksUrl();
        idp.close();
        JwtVerifier v = builder().jwksUrl(url).build();
        assertTrue(refusal(v, token("k1", key1)).contains("could not be fetched"));
    }

    @Test
    void oidcDiscoveryFindsTheJwksOfTheConfiguredIssuerOnly() throws Exception {
        idp.serve(jwks("k1", key1));
        JwtVerifier v = builder().issuer(idp.base()).oidcDiscovery(true).build();
        long now = clock.millis() / 1000;
        Map<String, Object> claims = Map.of("sub", "u", "iss", idp.base(), "aud", AUDIENCE, "exp", now + 60);
        assertEquals(
                "jwt:u",
                v.verify(sign(header("RS256", "k1"), claims, key1.getPrivate())).id());

        idp.discoveryIssuer("https://evil.example");
        JwtVerifier lied = builder().issuer(idp.base()).oidcDiscovery(true).build();
        String msg = refusal(lied, sign(header("RS256", "k1"), claims, key1.getPrivate()));
        assertTrue(msg.contains("could not be fetched"), msg);
    }

    @Test
    void publishedSymmetricKeysAreIgnored() throws Exception {
        byte[] secret = "a-published-secret-of-thirty-two-bytes!".getBytes(StandardCharsets.UTF_8);
        idp.serve(new JWKSet(List.of(
                        new OctetSequenceKey.Builder(secret).keyID("oct").build()))
                .toString(false));
        JwtVerifier v = builder().jwksUrl(idp.jwksUrl()).build();
        long now = clock.millis() / 1000;
        String forged =
                TestJwts.hmac(header("HS256", "oct"), Map.of("sub", "x", "aud", AUDIENCE, "exp", now + 60), secret);
        String msg = refusal(v, forged);
        assertTrue(msg.contains("kid"), msg);
    }
}
