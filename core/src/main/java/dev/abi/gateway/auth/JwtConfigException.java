package dev.abi.gateway.auth;

/**
 * JWT verification is configured in a way that cannot be safe or cannot work, found at startup. The message and
 * {@link #setting()} name the configuration property to fix (e.g. {@code abi.auth.jwt.audience}); neither ever
 * contains key material.
 */
public final class JwtConfigException extends IllegalArgumentException {

    private final String setting;

    public JwtConfigException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    /** The configuration property at fault. */
    public String setting() {
        return setting;
    }
}
