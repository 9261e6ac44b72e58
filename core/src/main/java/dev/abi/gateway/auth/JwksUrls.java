package dev.abi.gateway.auth;

import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.Locale;

/** Checks key-fetching URLs: absolute HTTPS, or plain HTTP only to a loopback host (a local test IdP). */
final class JwksUrls {

    private JwksUrls() {}

    /**
     * @throws JwtConfigException naming {@code setting} when the URL is malformed, not HTTPS, or HTTP off loopback
     */
    static URL checked(String url, String setting) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new JwtConfigException(setting, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && loopback(uri.getHost()))) {
            throw new JwtConfigException(
                    setting,
                    "must be an https:// URL (plain http only to localhost), not "
                            + (uri.getHost() == null ? "a relative URL" : scheme + "://" + uri.getHost()));
        }
        try {
            return uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new JwtConfigException(setting, "is not a valid URL");
        }
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: do not resolve it here (DNS could say anything)
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
