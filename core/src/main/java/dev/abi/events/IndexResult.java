package dev.abi.events;

/**
 * What handling one object event did.
 *
 * @param outcome   what happened
 * @param namespace the namespace the object maps to, or null when none does
 * @param vectors   vectors (chunks) written for the object
 * @param removed   vectors deleted: the object's whole contribution on removal, or what a new version no longer has
 * @param version   the last version committed to the namespace, or -1 when nothing was committed
 * @param detail    why it was skipped or dead-lettered; null otherwise
 */
public record IndexResult(
        String bucket,
        String key,
        String namespace,
        Outcome outcome,
        int vectors,
        int removed,
        long version,
        String detail) {

    /** What happened to the event. */
    public enum Outcome {
        /** The object's documents were written (replacing those of an earlier version). */
        INDEXED,
        /** A redelivery of an event already applied; nothing was written. */
        ALREADY_INDEXED,
        /** The object's documents were deleted. */
        REMOVED,
        /** Nothing to do (the object is gone again, or exists again after a removal); see {@code detail}. */
        SKIPPED,
        /** The object cannot be indexed (format, size, mapping); recorded once as a dead letter, not retried. */
        DEAD_LETTERED
    }

    static IndexResult skipped(String bucket, String key, String namespace, String detail) {
        return new IndexResult(bucket, key, namespace, Outcome.SKIPPED, 0, 0, -1, detail);
    }

    IndexResult as(Outcome o) {
        return new IndexResult(bucket, key, namespace, o, vectors, removed, version, detail);
    }
}
