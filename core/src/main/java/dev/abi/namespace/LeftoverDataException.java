package dev.abi.namespace;

/**
 * A namespace cannot be created because data of an earlier incarnation of that name is still stored and was never
 * deleted through the API: its config ({@code namespaces/{name}.json}) is gone, but its log and manifests are not.
 * Creating a new, empty incarnation would hide that data, so it is refused; docs/runbooks/repair.md says how to
 * bring the config back or remove the data.
 */
public final class LeftoverDataException extends RuntimeException {

    private final String namespace;
    private final String root;

    public LeftoverDataException(String namespace, String root) {
        super("namespace '" + namespace + "' has no config (namespaces/" + namespace + ".json) but its data is still"
                + " stored under '" + root + "' and was never deleted; refusing to start an empty namespace over it."
                + " Restore the config from bucket versioning, or remove that prefix if the data should go"
                + " (docs/runbooks/repair.md, \"Lost namespace config\")");
        this.namespace = namespace;
        this.root = root;
    }

    public String namespace() {
        return namespace;
    }

    /** The prefix of the leftover incarnation, ending in {@code /}. */
    public String root() {
        return root;
    }
}
