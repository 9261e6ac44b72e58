package dev.abi.store;

/**
 * What {@link MetadataStore#claimIdempotencyKey} found for a key: the caller now holds it ({@link State#CLAIMED}),
 * another attempt holds it and has not finished ({@link State#IN_PROGRESS}), or a finished attempt recorded its
 * result ({@link State#COMPLETED}, with {@link #result()}).
 */
public record IdempotencyClaim(State state, byte[] result) {

    /** The states of an idempotency key. */
    public enum State {
        CLAIMED,
        IN_PROGRESS,
        COMPLETED
    }

    public static IdempotencyClaim claimed() {
        return new IdempotencyClaim(State.CLAIMED, null);
    }

    public static IdempotencyClaim inProgress() {
        return new IdempotencyClaim(State.IN_PROGRESS, null);
    }

    public static IdempotencyClaim completed(byte[] result) {
        return new IdempotencyClaim(State.COMPLETED, result);
    }
}
