package dev.abi.namespace;

/** A namespace whose documents one embedding model embedded was asked to use another (409, naming both). */
public final class EmbeddingModelConflictException extends RuntimeException {

    private final String recorded;
    private final String asked;

    public EmbeddingModelConflictException(String namespace, String recorded, String asked) {
        super("namespace '" + namespace + "' holds documents embedded by model '" + recorded + "'; the request names"
                + " model '" + asked + "'. Use '" + recorded + "' (or omit model), or another namespace");
        this.recorded = recorded;
        this.asked = asked;
    }

    /** The model the namespace records. */
    public String recorded() {
        return recorded;
    }

    /** The model the request named. */
    public String asked() {
        return asked;
    }
}
