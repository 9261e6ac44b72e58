package dev.abi.namespace;

import java.util.regex.Pattern;

/**
 * The domain's limits on what a namespace holds, shared by the HTTP API and event-triggered indexing.
 *
 * @param maxBatch     most vectors per write batch and ids per delete (1000)
 * @param maxIdBytes   longest id in UTF-8 bytes (256)
 * @param maxDimension largest vector dimension (4096)
 */
public record NamespaceLimits(int maxBatch, int maxIdBytes, int maxDimension) {

    /** Namespace names: letters, digits, {@code _} and {@code -}, 1 to 64 characters. */
    public static final Pattern NAMESPACE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public NamespaceLimits {
        if (maxBatch < 1 || maxIdBytes < 1 || maxDimension < 1) {
            throw new IllegalArgumentException("namespace limits must be positive: batch " + maxBatch + ", id bytes "
                    + maxIdBytes + ", dimension " + maxDimension);
        }
    }

    public static NamespaceLimits defaults() {
        return new NamespaceLimits(1000, 256, 4096);
    }
}
