package dev.abi.gateway.auth;

import static dev.abi.gateway.auth.TestJwts.b64;
import static dev.abi.gateway.auth.TestJwts.header;
import static dev.abi.gateway.auth.TestJwts.hmac;
import static dev.abi.gateway.auth.TestJwts.pem;
import static dev.abi.gateway.auth.TestJwts.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.abi.store.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each accepted algorithm verifies, and each refused token or configuration has its own assertion: alg none,
 * algorithm confusion, JWK {@code use}/{@code key_ops}/{@code alg}, small RSA keys, {@code crit}, {@code typ},
 * {@code aud}, {@code exp}, {@code nbf}, {@code iat}, the skew bound and the audience that public keys require.
 */
class JwtVerifierTest {

    private static final String ISSUER = "https://issuer.test/";
    private static final String AUDIENCE = "abi-api";
    private static final byte[] SECRET = "an-hs256-secret-of-thirty-two-bytes-or-more".getBytes(StandardCharsets.UTF_8);

    private static KeyPair rsa;
    private static KeyPair rsa1024;
    private static KeyPair p256;
    private static KeyPair p384;
    private static KeyPair ed;

    @TempDir
    Path dir;

    private MutableClock clock;

    @BeforeAll
    static void keys() throws Exception {
        rsa = TestJwts.rsa(2048);
        rsa1024 = TestJwts.rsa(1024);
        p256 = TestJwts.ec("secp256r1");
        p384 = TestJwts.ec("secp384r1");
        ed = TestJwts.ed25519();
    }

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z").toEpochMilli());
    }

    private long now() {
        return clock.millis() / 1000;
    }

    private Map<String, Object> claims() {
        Map<String, Object> c = new HashMap<>();
        c.put("sub", "user-7");
        c.put("iss", ISSUER);
        c.put("aud", AUDIENCE);
        c.put("iat", now());
        c.put("exp", now() + 600);
        c.put("roles", List.of("write:docs"));
        return c;
    }

    private JwtVerifierBuilder builder() {
        return JwtVerifier.builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .clockSkewSeconds(60)
                .clock(clock);
    }

    /** Every key kind, each under its own kid. */
    private JwtVerifier all() {
        return builder()
                .hmacSecret("hs", SECRET)
                .publicKeyPem("rs", pem(rsa))
                .publicKeyPem("p256", pem(p256))
                .publicKeyPem("p384", pem(p384))
                .publicKeyPem("ed", pem(ed))
                .build();
    }

    private static String refusal(JwtVerifier v, String token) {
        return assertThrows(UnauthenticatedException.class, () -> v.verify(token))
                .getMessage();
    }

    private Path jwks(JWK... keys) throws Exception {
        Path f = dir.resolve("jwks-" + System.nanoTime() + ".json");
        Files.writeString(f, new JWKSet(List.of(keys)).toString(true));
        return f;
    }

    @Test
    void everyAcceptedAlgorithmVerifies() throws Exception {
        JwtVerifier v = all();
        for (String alg : List.of("RS256", "RS384", "RS512", "PS256")) {
            Principal p = v.verify(sign(header(alg, "rs"), claims(), rsa.getPrivate()));
            assertEquals("jwt:user-7", p.id(), alg);
            assertTrue(p.allows(Role.WRITE, "docs"), alg);
            assertFalse(p.allows(Role.WRITE, "other"), alg);
        }
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("ES256", "p256"), claims(), p256.getPrivate()))
                        .id());
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("ES384", "p384"), claims(), p384.getPrivate()))
                        .id());
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("EdDSA", "ed"), claims(), ed.getPrivate())).id());
        assertEquals(
                "jwt:user-7",
                v.verify(hmac(header("HS256", "hs"), claims(), SECRET)).id());
        // no kid: every key of the algorithm's family is tried
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("EdDSA", null), claims(), ed.getPrivate())).id());
    }

    @Test
    void aSignatureByAnotherKeyOrOverOtherClaimsFails() throws Exception {
        JwtVerifier v = all();
        KeyPair stranger = TestJwts.ed25519();
        assertTrue(refusal(v, sign(header("EdDSA", "ed"), claims(), stranger.getPrivate()))
                .contains("signature"));
        String good = sign(header("RS256", "rs"), claims(), rsa.getPrivate());
        Map<String, Object> more = claims();
        more.put("roles", List.of("admin:*"));
        String[] parts = good.split("\\.");
        String swapped = TestJwts.encode(header("RS256", "rs"), more) + "." + parts[2];
        assertTrue(refusal(v, swapped).contains("signature"));
        // ES384 signed, but the header says ES256 and points to the P-384 key: a curve mismatch is refused
        Map<String, Object> lying = header("ES384", "p384");
        String es384 = sign(lying, claims(), p384.getPrivate());
        lying.put("alg", "ES256");
        String relabelled = TestJwts.encode(lying, claims()) + "." + es384.split("\\.")[2];
        assertTrue(refusal(v, relabelled).contains("cannot verify ES256"), refusal(v, relabelled));
    }

    @Test
    void algNoneIsRefused() throws Exception {
        JwtVerifier v = all();
        String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + TestJwts.encode(header("none", null), claims()).split("\\.")[1] + ".";
        assertTrue(refusal(v, none).contains("alg: none"), refusal(v, none));
        String noneWithSignature = none + b64(new byte[32]);
        refusal(v, noneWithSignature);
        String upper = b64("{\"alg\":\"NONE\"}".getBytes(StandardCharsets.UTF_8)) + "." + none.split("\\.")[1] + "."
                + b64(new byte[32]);
        assertTrue(refusal(v, upper).contains("not accepted"), refusal(v, upper));
    }

    /**
     * CVE-2022-21449 ("psychic signatures"): JDK 15-18 accepted an ECDSA signature whose r and s are both zero for any
     * message and any key. An ES256 JWS signature is r||s, 32 bytes each, so 64 zero bytes is that forgery.
     */
    @Test
    void anAllZeroEs256SignatureIsRefused() throws Exception {
        JwtVerifier v = all();
        for (String kid : new String[] {"p256", null}) {
            String unsigned = TestJwts.encode(header("ES256", kid), claims());
            String zero = unsigned + "." + b64(new byte[64]);
            String msg = refusal(v, zero);
            assertTrue(msg.contains("signature does not verify"), msg);
        }
        // the same claims with a real signature verify: the refusal above is about the signature alone
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("ES256", "p256"), claims(), p256.getPrivate()))
                        .id());
    }

    @Test
    void anRsaPublicKeyIsNeverAnHmacSecret() throws Exception {
        JwtVerifier v = builder().publicKeyPem("rs", pem(rsa)).build();
        for (byte[] secret : List.of(
                pem(rsa).getBytes(StandardCharsets.US_ASCII), rsa.getPublic().getEncoded())) {
            String withKid = hmac(header("HS256", "rs"), claims(), secret);
            assertTrue(refusal(v, withKid).contains("RSA key cannot verify HS256"), refusal(v, withKid));
            String withoutKid = hmac(header("HS256", null), claims(), secret);
            assertTrue(refusal(v, withoutKid).contains("cannot verify HS256"), refusal(v, withoutKid));
        }
    }

    @Test
    void jwkUseKeyOpsAndAlgAreEnforced() throws Exception {
        RSAPublicKey pub = (RSAPublicKey) rsa.getPublic();
        JwtVerifier v = builder()
                .jwksFile(jwks(
                        new RSAKey.Builder(pub)
                                .keyID("enc")
                                .keyUse(KeyUse.ENCRYPTION)
                                .build(),
                        new RSAKey.Builder(pub)
                                .keyID("wrap")
                                .keyOperations(Set.of(KeyOperation.WRAP_KEY))
                                .build(),
                        new RSAKey.Builder(pub)
                                .keyID("rs512")
                                .algorithm(JWSAlgorithm.RS512)
                                .build(),
                        new RSAKey.Builder(pub)
                                .keyID("ok")
                                .keyUse(KeyUse.SIGNATURE)
                                .algorithm(JWSAlgorithm.RS256)
                                .keyOperations(Set.of(KeyOperation.VERIFY))
                                .build()))
                .build();
        assertTrue(refusal(v, sign(header("RS256", "enc"), claims(), rsa.getPrivate()))
                .contains("use=enc"));
        assertTrue(refusal(v, sign(header("RS256", "wrap"), claims(), rsa.getPrivate()))
                .contains("key_ops do not include verify"));
        assertTrue(refusal(v, sign(header("RS256", "rs512"), claims(), rsa.getPrivate()))
                .contains("for RS512, not RS256"));
        // the same key tagged RS512 does verify RS512
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("RS512", "rs512"), claims(), rsa.getPrivate()))
                        .id());
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("RS256", "ok"), claims(), rsa.getPrivate()))
                        .id());
    }

    @Test
    void aJwksFileWithPrivateKeysKeepsOnlyThePublicParts() throws Exception {
        RSAKey full = new RSAKey.Builder((RSAPublicKey) rsa.getPublic())
                .privateKey(rsa.getPrivate())
                .keyID("full")
                .build();
        Path file = dir.resolve("private-jwks.json");
        Files.writeString(file, new JWKSet(full).toString(false));
        assertTrue(Files.readString(file).contains("\"d\""), "the file does hold the private exponent");
        JwtVerifier v = builder().jwksFile(file).build();
        assertEquals(1, v.staticKeys().size());
        assertFalse(v.staticKeys().get(0).isPrivate(), "private part dropped");
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("RS256", "full"), claims(), rsa.getPrivate()))
                        .id());
    }

    @Test
    void rsaKeysUnder2048BitsAreRefused() throws Exception {
        JwtConfigException pem =
                assertThrows(JwtConfigException.class, () -> builder().publicKeyPem("small", pem(rsa1024)));
        assertEquals("abi.auth.jwt.public-key-file", pem.setting());
        assertTrue(pem.getMessage().contains("1024 bits"), pem.getMessage());
        JwtVerifier v = builder()
                .jwksFile(jwks(new RSAKey.Builder((RSAPublicKey) rsa1024.getPublic())
                        .keyID("small")
                        .build()))
                .build();
        String token = sign(header("RS256", "small"), claims(), rsa1024.getPrivate());
        assertTrue(refusal(v, token).contains("at least 2048"), refusal(v, token));
    }

    @Test
    void unknownCriticalHeadersAreRefused() throws Exception {
        JwtVerifier v = all();
        Map<String, Object> h = header("RS256", "rs");
        h.put("crit", List.of("exp-policy"));
        h.put("exp-policy", "strict");
        String token = sign(h, claims(), rsa.getPrivate());
        assertTrue(refusal(v, token).contains("crit"), refusal(v, token));
        Map<String, Object> unencoded = header("RS256", "rs");
        unencoded.put("b64", false);
        unencoded.put("crit", List.of("b64"));
        refusal(v, sign(unencoded, claims(), rsa.getPrivate()));
    }

    @Test
    void typMustBeJwtOrAccessTokenJwt() throws Exception {
        JwtVerifier v = all();
        for (String typ : List.of("JWT", "jwt", "at+jwt", "AT+JWT", "application/jwt", "application/at+jwt")) {
            Map<String, Object> h = header("ES256", "p256");
            h.put("typ", typ);
            assertEquals(
                    "jwt:user-7", v.verify(sign(h, claims(), p256.getPrivate())).id(), typ);
        }
        Map<String, Object> absent = header("ES256", "p256");
        absent.remove("typ");
        assertEquals(
                "jwt:user-7",
                v.verify(sign(absent, claims(), p256.getPrivate())).id());
        for (String typ : List.of("JWE", "id_token+jwt", "logout+jwt", "application/json", "secevent+jwt")) {
            Map<String, Object> h = header("ES256", "p256");
            h.put("typ", typ);
            String msg = refusal(v, sign(h, claims(), p256.getPrivate()));
            assertTrue(msg.contains("typ"), typ + ": " + msg);
        }
    }

    @Test
    void audienceMustBePresentAndMatch() throws Exception {
        JwtVerifier v = all();
        Map<String, Object> missing = claims();
        missing.remove("aud");
        assertTrue(refusal(v, sign(header("RS256", "rs"), missing, rsa.getPrivate()))
                .contains("audience"));
        Map<String, Object> wrong = claims();
        wrong.put("aud", List.of("another-app", "abi-api-2"));
        assertTrue(
                refusal(v, sign(header("RS256", "rs"), wrong, rsa.getPrivate())).contains("audience"));
        Map<String, Object> among = claims();
        among.put("aud", List.of("another-app", AUDIENCE));
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("RS256", "rs"), among, rsa.getPrivate())).id());
        Map<String, Object> otherIssuer = claims();
        otherIssuer.put("iss", "https://issuer.test");
        assertTrue(refusal(v, sign(header("RS256", "rs"), otherIssuer, rsa.getPrivate()))
                .contains("issuer"));
    }

    @Test
    void timesAreCheckedWithTheBoundedSkew() throws Exception {
        JwtVerifier v = all();
        Map<String, Object> c = claims();
        c.put("exp", now() - 61);
        assertTrue(refusal(v, sign(header("RS256", "rs"), c, rsa.getPrivate())).contains("expired"));
        c.put("exp", now() - 59);
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("RS256", "rs"), c, rsa.getPrivate())).id(),
                "within skew");
        Map<String, Object> noExp = claims();
        noExp.remove("exp");
        assertTrue(
                refusal(v, sign(header("RS256", "rs"), noExp, rsa.getPrivate())).contains("no exp"));
        Map<String, Object> textExp = claims();
        textExp.put("exp", "tomorrow");
        refusal(v, sign(header("RS256", "rs"), textExp, rsa.getPrivate()));
        Map<String, Object> nbf = claims();
        nbf.put("nbf", now() + 120);
        assertTrue(
                refusal(v, sign(header("RS256", "rs"), nbf, rsa.getPrivate())).contains("nbf"));
        nbf.put("nbf", now() + 30);
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("RS256", "rs"), nbf, rsa.getPrivate())).id());
        Map<String, Object> iat = claims();
        iat.put("iat", now() + 120);
        assertTrue(
                refusal(v, sign(header("RS256", "rs"), iat, rsa.getPrivate())).contains("iat"));
        iat.put("iat", now() + 30);
        assertEquals(
                "jwt:user-7",
                v.verify(sign(header("RS256", "rs"), iat, rsa.getPrivate())).id());
        // the verifier reads the injected clock: the same token expires as the clock moves
        String token = sign(header("RS256", "rs"), claims(), rsa.getPrivate());
        clock.advance(Duration.ofSeconds(600 + 61));
        assertTrue(refusal(v, token).contains("expired"));
    }

    @Test
    void unsafeConfigurationsFailAtStartupNamingTheSetting() throws Exception {
        JwtConfigException skew = assertThrows(
                JwtConfigException.class,
                () -> builder().clockSkewSeconds(301).hmacSecret(null, SECRET).build());
        assertEquals("abi.auth.jwt.clock-skew-seconds", skew.setting());
        JwtVerifierBuilder pemOnly = JwtVerifier.builder().issuer(ISSUER).publicKeyPem(null, pem(rsa));
        JwtConfigException aud = assertThrows(JwtConfigException.class, pemOnly::build);
        assertEquals("abi.auth.jwt.audience", aud.setting());
        assertTrue(aud.getMessage().startsWith("abi.auth.jwt.audience"), aud.getMessage());
        Path file = jwks(JWK.parse(new RSAKey.Builder((RSAPublicKey) rsa.getPublic())
                .keyID("k")
                .build()
                .toJSONString()));
        assertEquals(
                "abi.auth.jwt.audience",
                assertThrows(
                                JwtConfigException.class,
                                () -> JwtVerifier.builder().jwksFile(file).build())
                        .setting());
        assertEquals(
                "abi.auth.jwt.audience",
                assertThrows(
                                JwtConfigException.class,
                                () -> JwtVerifier.builder()
                                        .jwksUrl("https://idp.example/jwks")
                                        .build())
                        .setting());
        assertEquals(
                "abi.auth.jwt.audience",
                assertThrows(
                                JwtConfigException.class,
                                () -> JwtVerifier.builder()
                                        .issuer(ISSUER)
                                        .oidcDiscovery(true)
                                        .build())
                        .setting());
        assertEquals(
                "abi.auth.jwt.audience",
                assertThrows(
                                JwtConfigException.class,
                                () -> JwtVerifier.builder()
                                        .audience("  ")
                                        .publicKeyPem(null, pem(ed))
                                        .build())
                        .setting());
        // a shared secret alone is this deployment's own: no audience needed
        assertTrue(JwtVerifier.builder().hmacSecret(null, SECRET).build().hasKeys());
        assertEquals(
                "abi.auth.jwt.hs256-secret",
                assertThrows(
                                JwtConfigException.class,
                                () -> JwtVerifier.builder().hmacSecret(null, new byte[31]))
                        .setting());
        // an empty secret would make every HS256 token forgeable by anyone: refused the same way
        JwtConfigException empty = assertThrows(
                JwtConfigException.class, () -> JwtVerifier.builder().hmacSecret(null, new byte[0]));
        assertEquals("abi.auth.jwt.hs256-secret", empty.setting());
        assertTrue(empty.getMessage().contains("at least 32 bytes"), empty.getMessage());
        assertEquals(
                "abi.auth.jwt.issuer",
                assertThrows(
                                JwtConfigException.class,
                                () -> JwtVerifier.builder()
                                        .audience(AUDIENCE)
                                        .oidcDiscovery(true)
                                        .build())
                        .setting());
        assertEquals(
                "abi.auth.jwt.jwks-url",
                assertThrows(
                                JwtConfigException.class,
                                () -> JwtVerifier.builder()
                                        .audience(AUDIENCE)
                                        .jwksUrl("http://idp.example/jwks")
                                        .build())
                        .setting());
        assertEquals(
                "abi.auth.jwt.jwks-url",
                assertThrows(
                                JwtConfigException.class,
                                () -> JwtVerifier.builder()
                                        .audience(AUDIENCE)
                                        .jwksUrl("jwks.json")
                                        .build())
                        .setting());
    }

    @Test
    void refusalsNeverCarryKeyMaterialOrTokenContent() throws Exception {
        JwtVerifier v = all();
        String secretText = new String(SECRET, StandardCharsets.UTF_8);
        String forged = hmac(header("HS256", "hs"), claims(), "another-secret-of-thirty-two-bytes-long!".getBytes());
        String msg = refusal(v, forged);
        assertFalse(msg.contains(secretText) || msg.contains("user-7") || msg.contains("another-secret"), msg);
        Map<String, Object> h = header("RS256", "kid-<script>");
        String unknownKid = refusal(v, sign(h, claims(), rsa.getPrivate()));
        assertFalse(unknownKid.contains("<script>"), unknownKid);
        assertTrue(unknownKid.contains("kid"), unknownKid);
        String modulus =
                ((RSAPublicKey) rsa.getPublic()).getModulus().toString(16).substring(0, 24);
        String confused = refusal(v, hmac(header("HS256", "rs"), claims(), pem(rsa).getBytes()));
        assertFalse(confused.contains(modulus), confused);
        assertTrue(refusal(v, "not.a.jwt").contains("well-formed"));
    }
}
