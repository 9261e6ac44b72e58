package dev.abi.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URL;

/**
 * Finds an issuer's JWKS URL through OpenID Connect discovery: {@code <issuer>/.well-known/openid-configuration},
 * whose {@code issuer} must be the configured one exactly and whose {@code jwks_uri} must be HTTPS (or loopback
 * HTTP). The answer is kept once found; a failed look-up is tried again on the next fetch.
 */
final class OidcDiscovery implements RemoteJwks.Location {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final URL configuration;
    private volatile URL jwksUri;

    OidcDiscovery(String issuer) {
        this.issuer = issuer;
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.configuration = JwksUrls.checked(base + "/.well-known/openid-configuration", "abi.auth.jwt.issuer");
    }

    @Override
    public URL resolve(ResourceRetriever http) throws IOException {
        URL known = jwksUri;
        if (known != null) {
            return known;
        }
        JsonNode doc = JSON.readTree(http.retrieveResource(configuration).getContent());
        if (doc == null || !issuer.equals(doc.path("issuer").asText(null))) {
            throw new IOException("the discovery document's issuer is not the configured abi.auth.jwt.issuer");
        }
        String uri = doc.path("jwks_uri").asText(null);
        if (uri == null) {
            throw new IOException("the discovery document has no jwks_uri");
        }
        try {
            known = JwksUrls.checked(uri, "jwks_uri");
        } catch (JwtConfigException e) {
            throw new IOException(e.getMessage());
        }
        jwksUri = known;
        return known;
    }

    /** A fixed JWKS URL. */
    static RemoteJwks.Location fixed(URL url) {
        return http -> url;
    }
}
