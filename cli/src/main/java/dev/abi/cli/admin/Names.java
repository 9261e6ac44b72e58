package dev.abi.cli.admin;

import dev.abi.cli.UsageException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Checks of names that go into a request path. */
final class Names {

    private Names() {}

    /** {@code ns} when it is a valid namespace name; else a usage error naming the option. */
    static String namespace(String ns, String option) {
        if (ns == null || !ns.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new UsageException(option + " must match [A-Za-z0-9_-]{1,64}, got '" + ns + "'");
        }
        return ns;
    }

    /** A query-string value, encoded. */
    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
