package dev.abi.gateway.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * PEM public keys ({@code BEGIN PUBLIC KEY}) as JWKs, read with the JDK's key factories (no BouncyCastle): RSA of at
 * least 2048 bits, EC P-256 or P-384, Ed25519. Each is marked {@code use: sig}.
 */
final class PemKeys {

    private PemKeys() {}

    static JWK parse(String kid, String pem) {
        byte[] der;
        try {
            der = Base64.getMimeDecoder()
                    .decode(pem.replaceAll("-----[A-Z ]+-----", "").trim());
        } catch (IllegalArgumentException e) {
            throw new JwtConfigException("abi.auth.jwt.public-key-file", "is not a PEM public key");
        }
        PublicKey key = decode(der);
        if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < JwkPolicy.MIN_RSA_BITS) {
                throw new JwtConfigException(
                        "abi.auth.jwt.public-key-file",
                        "the RSA key has "
                                + rsa.getModulus().bitLength() + " bits; at least " + JwkPolicy.MIN_RSA_BITS
                                + " are required");
            }
            return new RSAKey.Builder(rsa).keyID(kid).keyUse(KeyUse.SIGNATURE).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (!Curve.P_256.equals(curve) && !Curve.P_384.equals(curve)) {
                throw new JwtConfigException("abi.auth.jwt.public-key-file", "only P-256 and P-384 EC keys");
            }
            return new ECKey.Builder(curve, ec)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .build();
        }
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519JwsVerifier.rawKey(key)))
                .keyID(kid)
                .keyUse(KeyUse.SIGNATURE)
                .build();
    }

    private static PublicKey decode(byte[] der) {
        for (String type : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException wrongType) {
                // try the next key type
            }
        }
        throw new JwtConfigException("abi.auth.jwt.public-key-file", "is not an RSA, EC or Ed25519 public key in PEM");
    }
}
