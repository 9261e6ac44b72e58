package dev.abi.namespace;

import java.util.Locale;

/**
 * How fresh a read of a namespace's current state must be.
 *
 * <ul>
 *   <li>{@link #STRONG}: the read sees every write acknowledged, on any instance, before it began. It costs one GET
 *       of the log slot after this instance's state (more when that slot holds new commits), never a LIST.</li>
 *   <li>{@link #EVENTUAL}: the read may be answered from this instance's state without a store call, when that
 *       state was checked against the log within the read policy's bound ({@link ReadPolicy#maxStaleness()}), and
 *       holds every write this instance acknowledged; otherwise it is checked first, as a strong read. It sees every
 *       write acknowledged more than that bound before it began.</li>
 * </ul>
 */
public enum Consistency {
    STRONG,
    EVENTUAL;

    /** The name on the wire and in config: {@code strong} or {@code eventual}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the accepted values, for anything but {@code strong} and {@code
     *     eventual}
     */
    public static Consistency fromWireName(String wire) {
        for (Consistency c : values()) {
            if (c.wireName().equals(wire)) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "must be \"strong\" or \"eventual\", got " + (wire == null ? "null" : "\"" + wire + "\""));
    }
}
