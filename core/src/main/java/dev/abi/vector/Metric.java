package dev.abi.vector;

import java.util.Locale;

/**
 * Distance metrics of the API. Every distance is "smaller is closer":
 * {@code cosine = 1 - cos(q, v)}, {@code dot = -(q . v)}, {@code l2} = Euclidean distance (not squared).
 */
public enum Metric {
    COSINE,
    DOT,
    L2;

    /** The name used on the wire ({@code "cosine"}, {@code "dot"}, {@code "l2"}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @throws IllegalArgumentException naming the value when it is not a known metric
     */
    public static Metric fromWireName(String name) {
        for (Metric m : values()) {
            if (m.wireName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + name + "'; expected cosine, dot or l2");
    }
}
