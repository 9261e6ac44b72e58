package dev.abi.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * Verifies {@code EdDSA} (Ed25519) JWS signatures with the JDK's own EdDSA provider. Nimbus's {@code Ed25519Verifier}
 * needs Google Tink on the classpath; this one needs nothing beyond {@code java.security} (JDK 15+).
 */
final class Ed25519JwsVerifier implements JWSVerifier {

    /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), before the 32 key bytes. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private static final int KEY_BYTES = 32;
    private static final int SIGNATURE_BYTES = 64;

    private final PublicKey key;
    private final JCAContext jca = new JCAContext();

    Ed25519JwsVerifier(OctetKeyPair jwk) throws JOSEException {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            throw new JOSEException("only Ed25519 keys are supported for EdDSA");
        }
        byte[] x = jwk.getDecodedX();
        if (x.length != KEY_BYTES) {
            throw new JOSEException("an Ed25519 public key is 32 bytes");
        }
        byte[] spki = new byte[SPKI_PREFIX.length + KEY_BYTES];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, SPKI_PREFIX.length, KEY_BYTES);
        try {
            this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("unusable Ed25519 public key", e);
        }
    }

    /** The raw 32 key bytes of a JDK Ed25519 public key, from its X.509 encoding. */
    static byte[] rawKey(PublicKey ed25519) {
        byte[] der = ed25519.getEncoded();
        if (der.length != SPKI_PREFIX.length + KEY_BYTES) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        for (int i = 0; i < SPKI_PREFIX.length; i++) {
            if (der[i] != SPKI_PREFIX[i]) {
                throw new IllegalArgumentException("not an Ed25519 public key");
            }
        }
        byte[] x = new byte[KEY_BYTES];
        System.arraycopy(der, SPKI_PREFIX.length, x, 0, KEY_BYTES);
        return x;
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!supportedJWSAlgorithms().contains(header.getAlgorithm())) {
            return false;
        }
        byte[] sig = signature.decode();
        if (sig.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signingInput);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 verification failed", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
