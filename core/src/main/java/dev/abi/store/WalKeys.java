package dev.abi.store;

/** Unique, time-ordered object names for WAL batches and segments. */
public final class WalKeys {

    private WalKeys() {
    }

    /** 12 hex digits of the current millis, then 16 random hex digits. */
    public static String unique() {
        return CommitLog.ulid();
    }
}
