package dev.abi.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Unique, time-ordered object names for WAL batches, segments and incarnations. */
public final class WalKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WalKeys() {}

    /** 12 hex digits of the current millis, then 16 random hex digits. */
    public static String unique() {
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        return String.format("%012x", System.currentTimeMillis())
                + HexFormat.of().formatHex(r);
    }
}
