package dev.abi.gateway;

import dev.abi.budget.ComputeBudget;
import dev.abi.namespace.NamespaceLimits;
import java.util.regex.Pattern;

/**
 * Request limits of the API contract. The defaults are the contract's; a deployment may lower the body size.
 *
 * @param maxBodyBytes  largest accepted body (default 6 MB, Lambda's payload limit)
 * @param maxBatch      most vectors per upsert and ids per delete (1000)
 * @param maxTopK       largest {@code topK} (1000)
 * @param maxIdBytes    longest id in UTF-8 bytes (256)
 * @param maxDimension  largest vector dimension (4096, an extension documented in docs/api-extensions.md)
 * @param compute       how much model work one request may ask for (embedding tokens, prompt size)
 */
public record Limits(
        long maxBodyBytes, int maxBatch, int maxTopK, int maxIdBytes, int maxDimension, ComputeBudget compute) {

    /** Namespace names: letters, digits, {@code _} and {@code -}, 1 to 64 characters. */
    public static final Pattern NAMESPACE_NAME = NamespaceLimits.NAMESPACE_NAME;

    /** 6 MB in bytes: AWS Lambda's synchronous payload limit. */
    public static final long SIX_MB = 6L * 1024 * 1024;

    public Limits {
        compute = compute == null ? ComputeBudget.defaults() : compute;
    }

    /** Limits with the default {@link ComputeBudget}. */
    public Limits(long maxBodyBytes, int maxBatch, int maxTopK, int maxIdBytes, int maxDimension) {
        this(maxBodyBytes, maxBatch, maxTopK, maxIdBytes, maxDimension, ComputeBudget.defaults());
    }

    public static Limits defaults() {
        NamespaceLimits d = NamespaceLimits.defaults();
        return new Limits(SIX_MB, d.maxBatch(), 1000, d.maxIdBytes(), d.maxDimension());
    }

    /** The domain's part of these limits, for the layers below the API (event-triggered indexing). */
    public NamespaceLimits namespaceLimits() {
        return new NamespaceLimits(maxBatch, maxIdBytes, maxDimension);
    }

    /** These limits with another compute budget. */
    public Limits withCompute(ComputeBudget budget) {
        return new Limits(maxBodyBytes, maxBatch, maxTopK, maxIdBytes, maxDimension, budget);
    }
}
