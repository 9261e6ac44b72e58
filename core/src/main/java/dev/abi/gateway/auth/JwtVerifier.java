package dev.abi.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies JWT bearer tokens signed with HS256, RS256 or ES256 (P-256). Keys come from configuration (HMAC secrets,
 * PEM public keys) or a static JWKS file; a token's {@code kid} picks among them. {@code alg: none} and every other
 * algorithm are refused, and a key is only ever used with its own algorithm (no RSA-key-as-HMAC-secret confusion).
 * {@code exp} is required; {@code nbf}, {@code iss} and {@code aud} are checked when set or configured, all with a
 * bounded clock skew. The grants come from a {@code roles} claim (an array of {@code role:namespace}) or a
 * {@code scope} claim (the same, space-separated).
 */
public final class JwtVerifier {

    /** Longest clock skew accepted in either direction. */
    public static final long MAX_SKEW_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Key(String alg, Object material) {
    }

    private final Map<String, List<Key>> keysByKid = new LinkedHashMap<>();
    private final List<Key> allKeys = new ArrayList<>();
    private final String issuer;
    private final String audience;
    private final long skewSeconds;
    private final Clock clock;

    /**
     * @param issuer   required {@code iss}, or null to accept any
     * @param audience required member of {@code aud}, or null to accept any
     */
    public JwtVerifier(String issuer, String audience, long skewSeconds, Clock clock) {
        if (skewSeconds < 0 || skewSeconds > MAX_SKEW_SECONDS) {
            throw new IllegalArgumentException("clock skew must be 0 to " + MAX_SKEW_SECONDS + " seconds");
        }
        this.issuer = issuer;
        this.audience = audience;
        this.skewSeconds = skewSeconds;
        this.clock = clock;
    }

    public boolean hasKeys() {
        return !allKeys.isEmpty();
    }

    /** Adds an HS256 secret (at least 32 bytes, as RFC 7518 requires). */
    public JwtVerifier hmacSecret(String kid, byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret must be at least 32 bytes");
        }
        return add(kid, new Key("HS256", secret));
    }

    /** Adds an RSA (RS256) or P-256 EC (ES256) public key in PEM ({@code BEGIN PUBLIC KEY}). */
    public JwtVerifier publicKeyPem(String kid, String pem) {
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").trim());
        try {
            return add(kid, new Key("RS256", KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der))));
        } catch (GeneralSecurityException notRsa) {
            try {
                PublicKey ec = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
                return add(kid, new Key("ES256", ec));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not an RSA or EC public key in PEM", e);
            }
        }
    }

    /** Adds every usable key of a JWKS document ({@code kty} RSA, EC P-256 or oct). */
    public JwtVerifier jwks(Path file) throws IOException {
        JsonNode doc = JSON.readTree(file.toFile());
        for (JsonNode k : doc.path("keys")) {
            String kid = k.path("kid").asText(null);
            Base64.Decoder d = Base64.getUrlDecoder();
            try {
                switch (k.path("kty").asText()) {
                    case "RSA" -> add(kid, new Key("RS256", KeyFactory.getInstance("RSA").generatePublic(
                            new RSAPublicKeySpec(new BigInteger(1, d.decode(k.get("n").asText())),
                                    new BigInteger(1, d.decode(k.get("e").asText()))))));
                    case "EC" -> {
                        if (!"P-256".equals(k.path("crv").asText())) {
                            continue;
                        }
                        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
                        p.init(new ECGenParameterSpec("secp256r1"));
                        ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
                        ECPoint w = new ECPoint(new BigInteger(1, d.decode(k.get("x").asText())),
                                new BigInteger(1, d.decode(k.get("y").asText())));
                        add(kid, new Key("ES256", KeyFactory.getInstance("EC").generatePublic(
                                new ECPublicKeySpec(w, spec))));
                    }
                    case "oct" -> hmacSecret(kid, d.decode(k.get("k").asText()));
                    default -> {
                        // other key types are not used for the three accepted algorithms
                    }
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException(file + ": key " + kid + " is unusable: " + e.getMessage(), e);
            }
        }
        return this;
    }

    private JwtVerifier add(String kid, Key key) {
        keysByKid.computeIfAbsent(kid == null ? "" : kid, k -> new ArrayList<>()).add(key);
        allKeys.add(key);
        return this;
    }

    /**
     * The principal of a token.
     *
     * @throws UnauthenticatedException naming what is wrong: format, algorithm, signature, expiry, issuer, audience
     */
    public Principal verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new UnauthenticatedException("the bearer token is neither an API key nor a JWT");
        }
        JsonNode header = decodeJson(parts[0], "header");
        String alg = header.path("alg").asText("");
        if (!alg.equals("HS256") && !alg.equals("RS256") && !alg.equals("ES256")) {
            throw new UnauthenticatedException("JWT algorithm '" + alg + "' is not accepted (HS256, RS256, ES256)");
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new UnauthenticatedException("the JWT signature is not base64url");
        }
        String kid = header.path("kid").asText(null);
        List<Key> candidates = kid != null && keysByKid.containsKey(kid) ? keysByKid.get(kid) : allKeys;
        boolean verified = false;
        for (Key k : candidates) {
            if (k.alg().equals(alg) && check(k, signed, signature)) {
                verified = true;
                break;
            }
        }
        if (!verified) {
            throw new UnauthenticatedException("the JWT signature does not verify with any configured " + alg + " key");
        }
        JsonNode claims = decodeJson(parts[1], "claims");
        long now = clock.millis() / 1000;
        if (!claims.path("exp").isNumber()) {
            throw new UnauthenticatedException("the JWT has no exp claim");
        }
        if (now > claims.get("exp").asLong() + skewSeconds) {
            throw new UnauthenticatedException("the JWT has expired");
        }
        if (claims.path("nbf").isNumber() && now + skewSeconds < claims.get("nbf").asLong()) {
            throw new UnauthenticatedException("the JWT is not valid yet (nbf)");
        }
        if (issuer != null && !issuer.equals(claims.path("iss").asText(null))) {
            throw new UnauthenticatedException("the JWT issuer is not the configured one");
        }
        if (audience != null && !audiences(claims.get("aud")).contains(audience)) {
            throw new UnauthenticatedException("the JWT audience does not include the configured one");
        }
        List<Grant> grants = new ArrayList<>();
        try {
            if (claims.path("roles").isArray()) {
                claims.get("roles").forEach(r -> grants.add(Grant.parse(r.asText())));
            } else if (claims.path("scope").isTextual()) {
                for (String s : claims.get("scope").asText().trim().split("\\s+")) {
                    if (!s.isEmpty()) {
                        grants.add(Grant.parse(s));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UnauthenticatedException("the JWT roles claim is invalid: " + e.getMessage());
        }
        return new Principal("jwt:" + claims.path("sub").asText("?"), "jwt", grants);
    }

    private static List<String> audiences(JsonNode aud) {
        List<String> out = new ArrayList<>();
        if (aud == null) {
            return out;
        }
        if (aud.isArray()) {
            aud.forEach(a -> out.add(a.asText()));
        } else {
            out.add(aud.asText());
        }
        return out;
    }

    private static boolean check(Key k, byte[] signed, byte[] signature) {
        try {
            switch (k.alg()) {
                case "HS256" -> {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec((byte[]) k.material(), "HmacSHA256"));
                    return MessageDigest.isEqual(mac.doFinal(signed), signature);
                }
                case "RS256" -> {
                    Signature s = Signature.getInstance("SHA256withRSA");
                    s.initVerify((RSAPublicKey) k.material());
                    s.update(signed);
                    return s.verify(signature);
                }
                default -> {
                    if (signature.length != 64) {
                        return false;
                    }
                    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
                    s.initVerify((ECPublicKey) k.material());
                    s.update(signed);
                    return s.verify(signature);
                }
            }
        } catch (GeneralSecurityException | ClassCastException e) {
            return false;
        }
    }

    private static JsonNode decodeJson(String part, String what) {
        try {
            JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(part));
            if (n == null || !n.isObject()) {
                throw new UnauthenticatedException("the JWT " + what + " is not a JSON object");
            }
            return n;
        } catch (IOException | IllegalArgumentException e) {
            throw new UnauthenticatedException("the JWT " + what + " is not base64url JSON");
        }
    }
}
