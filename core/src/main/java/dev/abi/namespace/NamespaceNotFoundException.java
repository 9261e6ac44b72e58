package dev.abi.namespace;

/** The named namespace does not exist. */
public final class NamespaceNotFoundException extends RuntimeException {
    public NamespaceNotFoundException(String name) {
        super("namespace '" + name + "' does not exist");
    }
}
