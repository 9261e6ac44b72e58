package dev.abi.namespace;

/** A repair was refused: the entry is readable (and the repair was not forced), or it changed meanwhile. */
public final class RepairRefusedException extends RuntimeException {
    public RepairRefusedException(String message) {
        super(message);
    }
}
