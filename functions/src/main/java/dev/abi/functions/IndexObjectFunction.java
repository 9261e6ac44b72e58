package dev.abi.functions;

import dev.abi.events.IndexResult;
import dev.abi.events.ObjectCreated;
import dev.abi.events.ObjectIndexer;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;
import java.time.Instant;

/** Event-style functions, written once and packaged by every adapter. */
public class IndexObjectFunction {

    @Inject
    ObjectIndexer indexer;

    /** Indexes an object that landed in a bucket (see {@link ObjectIndexer} for what is ingested). */
    @Funq("indexObject")
    public IndexResult indexObject(ObjectEvent event) {
        if (event == null || event.bucket == null || event.bucket.isBlank() || event.key == null || event.key.isBlank()) {
            throw new IllegalArgumentException("indexObject needs \"bucket\" and \"key\"");
        }
        Instant time = event.time == null ? Instant.now() : Instant.parse(event.time);
        return indexer.index(new ObjectCreated(event.bucket, event.key, event.etag, event.size, time));
    }
}
