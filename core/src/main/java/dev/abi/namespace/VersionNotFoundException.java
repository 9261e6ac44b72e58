package dev.abi.namespace;

/** The namespace has no such version, or it is outside the retention window. */
public final class VersionNotFoundException extends RuntimeException {
    public VersionNotFoundException(String namespace, long version) {
        super("namespace '" + namespace + "' has no version " + version + " (unknown, or collected after the"
                + " retention window)");
    }

    public VersionNotFoundException(String namespace, String message) {
        super(message);
    }
}
