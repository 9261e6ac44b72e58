package dev.abi.gateway.auth;

import java.util.Locale;

/** What a caller may do: {@code admin} includes {@code write}, which includes {@code read}. */
public enum Role {
    READ,
    WRITE,
    ADMIN;

    /** Whether holding this role allows what {@code needed} allows. */
    public boolean includes(Role needed) {
        return ordinal() >= needed.ordinal();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code read}, {@code write} or {@code admin}. */
    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.wireName().equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + s + "' (read, write or admin)");
    }
}
