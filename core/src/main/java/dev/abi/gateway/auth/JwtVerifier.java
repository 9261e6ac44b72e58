package dev.abi.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies JWT bearer tokens (with Nimbus JOSE+JWT) signed with RS256, RS384, RS512, PS256, ES256, ES384, EdDSA
 * (Ed25519) or HS256. Keys come from configuration (HMAC secrets, PEM public keys), a JWKS file, or a JWKS URL
 * (given, or found by OpenID Connect discovery) that is cached and followed through key rotation; a token's
 * {@code kid} picks among them. See {@link JwtHeaderRules}, {@link JwkPolicy} and {@link JwtClaimRules} for what is
 * refused; every refusal is an {@link UnauthenticatedException} whose message names the rule and never key material.
 * Built with {@link #builder()}.
 */
public final class JwtVerifier {

    /** Longest clock skew accepted in either direction. */
    public static final long MAX_SKEW_SECONDS = 300;

    private final JwtClaimRules rules;
    private final List<JWK> staticKeys;
    private final RemoteJwks remote;
    private final Clock clock;

    JwtVerifier(JwtClaimRules rules, List<JWK> staticKeys, RemoteJwks remote, Clock clock) {
        this.rules = rules;
        this.staticKeys = List.copyOf(staticKeys);
        this.remote = remote;
        this.clock = clock;
    }

    /** A builder; {@link JwtVerifierBuilder#build()} checks that the configuration is complete and safe. */
    public static JwtVerifierBuilder builder() {
        return new JwtVerifierBuilder();
    }

    /** The configured keys (not the remote ones), for tests. */
    List<JWK> staticKeys() {
        return staticKeys;
    }

    /** Whether any key (or a JWKS URL) is configured; without one no JWT can verify. */
    public boolean hasKeys() {
        return !staticKeys.isEmpty() || remote != null;
    }

    /**
     * The principal of a token.
     *
     * @throws UnauthenticatedException naming what is wrong: format, header, key, signature or claims
     */
    public Principal verify(String token) {
        SignedJWT jwt = parse(token);
        JWSHeader header = jwt.getHeader();
        JwtHeaderRules.check(header);
        if (!verifies(jwt, header.getAlgorithm(), header.getKeyID())) {
            throw new UnauthenticatedException("the JWT signature does not verify with any configured "
                    + header.getAlgorithm().getName() + " key");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new UnauthenticatedException("the JWT claims are not a valid claims set");
        }
        return rules.check(claims, clock.millis());
    }

    private static SignedJWT parse(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new UnauthenticatedException("the bearer token is not a well-formed JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw new UnauthenticatedException("unsigned JWTs (alg: none) are refused");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new UnauthenticatedException("encrypted JWTs are not accepted; send a signed JWT");
        }
        return signed;
    }

    /**
     * Whether some usable key verifies the signature.
     *
     * @throws UnauthenticatedException when no key may be used at all (unknown {@code kid}, a key whose metadata rules
     *                                  it out, JWKS unavailable)
     */
    private boolean verifies(SignedJWT jwt, JWSAlgorithm alg, String kid) {
        List<JWK> candidates = new ArrayList<>();
        boolean exactStaticKid = false;
        for (JWK k : staticKeys) {
            if (kid == null || k.getKeyID() == null || kid.equals(k.getKeyID())) {
                candidates.add(k);
                exactStaticKid |= kid != null && kid.equals(k.getKeyID());
            }
        }
        UnauthenticatedException remoteFailure = null;
        if (remote != null && !exactStaticKid) {
            try {
                candidates.addAll(remote.select(kid));
            } catch (UnauthenticatedException e) {
                remoteFailure = e;
            }
        }
        String specific = null;
        String otherFamily = null;
        boolean tried = false;
        for (JWK k : candidates) {
            JWSVerifier verifier;
            try {
                verifier = JwkPolicy.verifierFor(k, alg);
            } catch (JwkPolicy.Refused r) {
                if (r.otherFamily() && otherFamily == null) {
                    otherFamily = r.getMessage();
                } else if (!r.otherFamily() && specific == null) {
                    specific = r.getMessage();
                }
                continue;
            }
            tried = true;
            try {
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // a malformed signature for this key type: not verified by this key
            }
        }
        if (tried) {
            return false;
        }
        if (remoteFailure != null) {
            throw remoteFailure;
        }
        if (specific != null || otherFamily != null) {
            throw new UnauthenticatedException(specific != null ? specific : otherFamily);
        }
        throw new UnauthenticatedException(
                kid == null
                        ? "no configured key can verify this JWT"
                        : "the JWT's key id (kid) is not among the configured keys");
    }

    /** Whether a key is public (asymmetric): with one, anyone else the identity provider serves holds valid tokens. */
    static boolean asymmetric(JWK k) {
        return !KeyType.OCT.equals(k.getKeyType());
    }
}
