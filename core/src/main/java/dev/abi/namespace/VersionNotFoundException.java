package dev.abi.namespace;

/** The namespace has no such version. */
public final class VersionNotFoundException extends RuntimeException {
    public VersionNotFoundException(String namespace, long version) {
        super("namespace '" + namespace + "' has no version " + version);
    }
}
