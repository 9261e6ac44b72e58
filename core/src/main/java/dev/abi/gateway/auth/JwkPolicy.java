package dev.abi.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.Map;
import java.util.Set;

/**
 * Whether a JWK may verify a token signed with a given algorithm, and the verifier if so. A key is only ever used for
 * its own family (RSA for RS and PS, EC on the matching curve for ES, Ed25519 for EdDSA, a secret for HS256), so a
 * public key can never serve as an HMAC secret. A JWK's {@code use} must be {@code sig}, its {@code key_ops} must
 * include {@code verify} and its {@code alg} must be the token's, each when present; RSA keys need 2048 bits.
 */
final class JwkPolicy {

    /** The smallest RSA modulus accepted, as RFC 7518 section 3.3 requires. */
    static final int MIN_RSA_BITS = 2048;
    /** The smallest HS256 secret accepted, as RFC 7518 section 3.2 requires. */
    static final int MIN_HMAC_BYTES = 32;

    /** The accepted algorithms. */
    static final Set<JWSAlgorithm> ACCEPTED = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.EdDSA,
            JWSAlgorithm.HS256);

    private static final Map<JWSAlgorithm, Curve> EC_CURVES =
            Map.of(JWSAlgorithm.ES256, Curve.P_256, JWSAlgorithm.ES384, Curve.P_384);

    /** A key that may not verify the token, and why (safe to show: it names no key material). */
    static final class Refused extends Exception {
        private final boolean otherFamily;

        Refused(String reason, boolean otherFamily) {
            super(reason, null, false, false);
            this.otherFamily = otherFamily;
        }

        Refused(String reason) {
            this(reason, false);
        }

        /** Whether the key is simply of another kind than the algorithm (not a key meant for it but restricted). */
        boolean otherFamily() {
            return otherFamily;
        }
    }

    private JwkPolicy() {}

    /**
     * The verifier for {@code alg} with {@code jwk}.
     *
     * @throws Refused when the key's metadata, family or size rule it out for this token
     */
    static JWSVerifier verifierFor(JWK jwk, JWSAlgorithm alg) throws Refused {
        if (!sameFamily(jwk, alg)) {
            throw new Refused("a " + describe(jwk) + " key cannot verify " + alg.getName(), true);
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw new Refused("the selected key is not a signing key (use="
                    + jwk.getKeyUse().identifier() + ")");
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            throw new Refused("the selected key's key_ops do not include verify");
        }
        if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg.getName())) {
            throw new Refused("the selected key is for " + jwk.getAlgorithm().getName() + ", not " + alg.getName());
        }
        try {
            if (jwk instanceof RSAKey rsa) {
                if (rsa.size() < MIN_RSA_BITS) {
                    throw new Refused("the selected RSA key has " + rsa.size() + " bits; at least " + MIN_RSA_BITS
                            + " are required");
                }
                return new RSASSAVerifier(rsa.toRSAPublicKey());
            }
            if (jwk instanceof ECKey ec) {
                return new ECDSAVerifier(ec.toECPublicKey());
            }
            if (jwk instanceof OctetKeyPair okp) {
                return new Ed25519JwsVerifier(okp);
            }
            if (jwk instanceof OctetSequenceKey oct) {
                if (oct.size() < MIN_HMAC_BYTES * 8) {
                    throw new Refused("the selected HS256 secret is shorter than " + MIN_HMAC_BYTES + " bytes");
                }
                return new MACVerifier(oct.toByteArray());
            }
        } catch (JOSEException e) {
            throw new Refused("the selected " + jwk.getKeyType().getValue() + " key is unusable");
        }
        throw new Refused("a " + describe(jwk) + " key cannot verify " + alg.getName(), true);
    }

    /** Whether the key's type (and curve) is the one the algorithm is defined for. */
    static boolean sameFamily(JWK jwk, JWSAlgorithm alg) {
        if (jwk instanceof RSAKey) {
            return JWSAlgorithm.Family.RSA.contains(alg);
        }
        if (jwk instanceof ECKey ec) {
            return ec.getCurve() != null && ec.getCurve().equals(EC_CURVES.get(alg));
        }
        if (jwk instanceof OctetKeyPair okp) {
            return Curve.Ed25519.equals(okp.getCurve())
                    && (alg.equals(JWSAlgorithm.EdDSA) || alg.equals(JWSAlgorithm.Ed25519));
        }
        return jwk instanceof OctetSequenceKey && alg.equals(JWSAlgorithm.HS256);
    }

    private static String describe(JWK jwk) {
        if (jwk instanceof ECKey ec && ec.getCurve() != null) {
            return "EC " + ec.getCurve().getName();
        }
        if (jwk instanceof OctetKeyPair okp && okp.getCurve() != null) {
            return "OKP " + okp.getCurve().getName();
        }
        return jwk.getKeyType().getValue();
    }
}
