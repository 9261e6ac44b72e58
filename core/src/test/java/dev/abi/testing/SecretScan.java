package dev.abi.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a secret in stored bytes, as it is or inside the base64 text that records wrap bodies in (a recorded reply
 * is base64 in a JSON field, so a plain substring search would miss it).
 */
public final class SecretScan {

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{16,}={0,2}");

    private SecretScan() {}

    /** Whether {@code text} holds {@code secret} as is, or in a base64 or base64url run. */
    public static boolean contains(String text, String secret) {
        if (text.contains(secret)) {
            return true;
        }
        Matcher m = BASE64.matcher(text);
        while (m.find()) {
            for (Base64.Decoder d : new Base64.Decoder[] {Base64.getDecoder(), Base64.getUrlDecoder()}) {
                try {
                    if (contains(new String(d.decode(m.group()), StandardCharsets.ISO_8859_1), secret)) {
                        return true;
                    }
                } catch (IllegalArgumentException notBase64) {
                    // not this alphabet or not padded: the other decoder, or no secret here
                }
            }
        }
        return false;
    }

    /**
     * The secret part of an API key {@code abi_<id>_<secret>}. The id is hex, but the secret is base64url and may
     * itself hold {@code _}: cutting at the last {@code _} would keep a short tail that turns up by chance in
     * any base64 text (a salt, a hash) and make a scan fail at random.
     */
    public static String apiKeySecret(String key) {
        int cut = key.indexOf('_', "abi_".length());
        if (!key.startsWith("abi_") || cut < 0) {
            throw new IllegalArgumentException("not an API key of the form abi_<id>_<secret>");
        }
        return key.substring(cut + 1);
    }

    public static boolean contains(byte[] bytes, String secret) {
        return contains(new String(bytes, StandardCharsets.ISO_8859_1), secret);
    }
}
