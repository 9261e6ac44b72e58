package dev.abi.gateway.auth;

import com.nimbusds.jose.JWSHeader;
import java.util.Locale;

/**
 * What a JWS header must look like before any key is tried: an accepted algorithm, no critical ({@code crit})
 * extension (this verifier understands none, so RFC 7515 section 4.1.11 requires refusing any), the payload
 * base64url-encoded, and a {@code typ}, when present, of {@code JWT} or {@code at+jwt} (RFC 9068), with or without
 * {@code application/}, in any case.
 */
final class JwtHeaderRules {

    private JwtHeaderRules() {}

    /** @throws UnauthenticatedException naming the rule broken (never echoing the header's values) */
    static void check(JWSHeader header) {
        if (!JwkPolicy.ACCEPTED.contains(header.getAlgorithm())) {
            throw new UnauthenticatedException(
                    "the JWT algorithm is not accepted (RS256, RS384, RS512, PS256, ES256," + " ES384, EdDSA, HS256)");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new UnauthenticatedException(
                    "the JWT marks header parameters critical (crit) that this verifier" + " does not understand");
        }
        if (!header.isBase64URLEncodePayload()) {
            throw new UnauthenticatedException("the JWT payload must be base64url-encoded (b64=false is refused)");
        }
        if (header.getType() != null && !acceptedType(header.getType().getType())) {
            throw new UnauthenticatedException("the JWT typ header must be JWT or at+jwt");
        }
    }

    static boolean acceptedType(String typ) {
        String t = typ.toLowerCase(Locale.ROOT);
        if (t.startsWith("application/")) {
            t = t.substring("application/".length());
        }
        return t.equals("jwt") || t.equals("at+jwt");
    }
}
