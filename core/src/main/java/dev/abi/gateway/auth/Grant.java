package dev.abi.gateway.auth;

import java.util.regex.Pattern;

/**
 * A role on one namespace or on all ({@code *}). Written {@code role:namespace}, e.g. {@code write:docs} or
 * {@code admin:*}; a bare role means all namespaces.
 */
public record Grant(Role role, String namespace) {

    private static final Pattern NAMESPACE = Pattern.compile("\\*|[A-Za-z0-9_-]{1,64}");

    public Grant {
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("grant namespace '" + namespace + "' must be * or a namespace name");
        }
    }

    /** Parses {@code role:namespace} or {@code role}. */
    public static Grant parse(String s) {
        int colon = s.indexOf(':');
        return colon < 0
                ? new Grant(Role.parse(s), "*")
                : new Grant(Role.parse(s.substring(0, colon)), s.substring(colon + 1));
    }

    /** Whether this grant allows {@code needed} on {@code ns} ({@code null} or {@code *}: every namespace). */
    public boolean allows(Role needed, String ns) {
        return role.includes(needed) && (namespace.equals("*") || namespace.equals(ns));
    }

    @Override
    public String toString() {
        return role.wireName() + ":" + namespace;
    }
}
