package dev.abi.namespace;

/** Creating one more namespace would pass the deployment's quota ({@code abi.max-namespaces}): 409. */
public final class NamespaceQuotaException extends RuntimeException {

    private final int quota;

    public NamespaceQuotaException(String name, int quota) {
        super("namespace '" + name + "' cannot be created: this deployment holds its quota of " + quota
                + " namespaces (abi.max-namespaces); delete unused ones or raise the quota");
        this.quota = quota;
    }

    public int quota() {
        return quota;
    }
}
