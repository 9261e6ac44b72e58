package dev.abi.gateway.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The claim checks of a verified token and the principal it yields. {@code exp} is required; {@code exp},
 * {@code nbf} and {@code iat} are compared with the clock within the skew ({@code iat} may not be in the future);
 * {@code iss} and {@code aud} must match when configured. The grants come from a {@code roles} claim (an array of
 * {@code role:namespace}) or a {@code scope} claim (the same, space-separated).
 *
 * @param issuer      required {@code iss}, or null
 * @param audience    required member of {@code aud}, or null
 * @param skewSeconds tolerance for clock differences, in seconds
 */
record JwtClaimRules(String issuer, String audience, long skewSeconds) {

    /** @throws UnauthenticatedException naming the claim at fault (never its value) */
    Principal check(JWTClaimsSet claims, long nowMillis) {
        long now = Math.floorDiv(nowMillis, 1000);
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new UnauthenticatedException("the JWT has no exp claim");
        }
        if (now > seconds(exp) + skewSeconds) {
            throw new UnauthenticatedException("the JWT has expired");
        }
        if (claims.getNotBeforeTime() != null && now + skewSeconds < seconds(claims.getNotBeforeTime())) {
            throw new UnauthenticatedException("the JWT is not valid yet (nbf)");
        }
        if (claims.getIssueTime() != null && now + skewSeconds < seconds(claims.getIssueTime())) {
            throw new UnauthenticatedException("the JWT is issued in the future (iat)");
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw new UnauthenticatedException("the JWT issuer is not the configured one");
        }
        if (audience != null
                && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw new UnauthenticatedException("the JWT audience does not include the configured one");
        }
        String sub = claims.getSubject();
        return new Principal("jwt:" + (sub == null ? "?" : sub), "jwt", grants(claims));
    }

    private static long seconds(Date d) {
        return Math.floorDiv(d.getTime(), 1000);
    }

    private static List<Grant> grants(JWTClaimsSet claims) {
        List<Grant> grants = new ArrayList<>();
        try {
            Object roles = claims.getClaim("roles");
            if (roles instanceof List<?>) {
                for (String r : claims.getStringListClaim("roles")) {
                    grants.add(Grant.parse(r));
                }
            } else if (claims.getClaim("scope") instanceof String scope) {
                for (String s : scope.trim().split("\\s+")) {
                    if (!s.isEmpty()) {
                        grants.add(Grant.parse(s));
                    }
                }
            }
        } catch (ParseException | IllegalArgumentException e) {
            throw new UnauthenticatedException("the JWT roles claim is invalid: " + e.getMessage());
        }
        return grants;
    }
}
