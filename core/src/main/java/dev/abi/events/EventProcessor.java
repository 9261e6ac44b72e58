package dev.abi.events;

import dev.abi.failure.Failures;
import java.time.Clock;

/**
 * The one core call behind every storage trigger of every cloud: an {@link ObjectCreated} is indexed, an
 * {@link ObjectRemoved} deletes what the object contributed.
 *
 * <p>Failures fall in two kinds, as their classification ({@link Failures}) says. A poison object (its content,
 * size, format or mapping is wrong: a failure a retry cannot help) is recorded once in {@link DeadLetters} and answered with
 * {@link IndexResult.Outcome#DEAD_LETTERED}, so the platform does not retry it and the rest of a batch goes on.
 * Anything else (the object store or a breaker is down, a commit raced) is thrown, so the platform delivers the event
 * again: for SQS that is a batch-item failure.
 */
public final class EventProcessor {

    private final ObjectIndexer indexer;
    private final DeadLetters deadLetters;
    private final Clock clock;

    public EventProcessor(ObjectIndexer indexer, DeadLetters deadLetters) {
        this(indexer, deadLetters, Clock.systemUTC());
    }

    public EventProcessor(ObjectIndexer indexer, DeadLetters deadLetters, Clock clock) {
        this.indexer = indexer;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /**
     * Applies one storage event.
     *
     * @throws RuntimeException         for a transient failure: deliver the event again
     */
    public IndexResult process(CanonicalEvent event) {
        try {
            return switch (event) {
                case ObjectCreated created -> indexer.index(created);
                case ObjectRemoved removed -> indexer.remove(removed);
            };
        } catch (RuntimeException e) {
            if (!isPoison(e)) {
                throw e;
            }
            String bucket = event instanceof ObjectCreated c ? c.bucket() : ((ObjectRemoved) event).bucket();
            String key = event instanceof ObjectCreated c ? c.key() : ((ObjectRemoved) event).key();
            String writeId = event instanceof ObjectCreated c ? c.writeId() : ((ObjectRemoved) event).version();
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            boolean first =
                    deadLetters.record(new DeadLetters.DeadLetter(bucket, key, writeId, detail, clock.instant()));
            return new IndexResult(
                    bucket,
                    key,
                    null,
                    IndexResult.Outcome.DEAD_LETTERED,
                    0,
                    0,
                    -1,
                    first ? detail : detail + " (already recorded)");
        }
    }

    /** Whether delivering the event again cannot help: the failure is the object's, not the platform's. */
    public static boolean isPoison(Throwable t) {
        return !Failures.classify(t).retryable();
    }
}
