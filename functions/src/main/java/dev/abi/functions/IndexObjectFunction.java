package dev.abi.functions;

import dev.abi.events.IndexResult;
import dev.abi.events.ObjectCreated;
import dev.abi.events.ObjectIndexer;
import dev.abi.events.ObjectRemoved;
import dev.abi.gateway.ValidationException;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * Event-style functions, written once: a direct way to index or un-index one object (the local server serves them
 * as {@code POST /indexObject} and {@code POST /removeObject}). Unlike the cloud triggers, which dead-letter a poison
 * object, these answer a bad object with a 400 problem naming it.
 */
public class IndexObjectFunction {

    @Inject
    ObjectIndexer indexer;

    /** Indexes an object that landed in a bucket (see {@link ObjectIndexer} for what is ingested). */
    @Funq("indexObject")
    public IndexResult indexObject(ObjectEvent event) {
        check(event, "indexObject");
        IndexResult result = indexer.index(new ObjectCreated(event.bucket, event.key, event.etag, event.version,
                event.size == 0 ? -1 : event.size, time(event)));
        if (result.outcome() == IndexResult.Outcome.SKIPPED) {
            // an event may race a deletion; a direct call naming a missing object is the caller's mistake
            throw new ValidationException("key", "object '" + event.key + "' is not in bucket '" + event.bucket + "'");
        }
        return result;
    }

    /** Deletes what an object contributed, unless it exists again. */
    @Funq("removeObject")
    public IndexResult removeObject(ObjectEvent event) {
        check(event, "removeObject");
        return indexer.remove(new ObjectRemoved(event.bucket, event.key, event.version, time(event)));
    }

    private static void check(ObjectEvent event, String function) {
        if (event == null || event.bucket == null || event.bucket.isBlank() || event.key == null || event.key.isBlank()) {
            throw new ValidationException(event == null || event.bucket == null || event.bucket.isBlank() ? "bucket" : "key",
                    function + " needs \"bucket\" and \"key\"");
        }
    }

    private static Instant time(ObjectEvent event) {
        try {
            return event.time == null ? Instant.now() : Instant.parse(event.time);
        } catch (java.time.format.DateTimeParseException e) {
            throw new ValidationException("time", "must be an ISO-8601 instant, e.g. 2026-11-24T10:00:00Z");
        }
    }
}
