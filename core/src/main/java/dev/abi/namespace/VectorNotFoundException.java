package dev.abi.namespace;

/** The namespace holds no vector with this id. */
public final class VectorNotFoundException extends RuntimeException {
    public VectorNotFoundException(String namespace, String id) {
        super("namespace '" + namespace + "' has no vector '" + id + "'");
    }
}
