package dev.abi.adapters;

import dev.abi.events.EventProcessor;
import dev.abi.events.IndexResult;
import io.cloudevents.CloudEvent;

/**
 * Where every adapter's storage trigger ends: a canonical CloudEvent ({@link CanonicalCloudEvents}) becomes the core
 * event and goes to the {@link EventProcessor}. Poison objects come back as {@code DEAD_LETTERED}; transient failures
 * are thrown for the platform to deliver again.
 */
public final class ObjectEventHandler {

    private static final System.Logger LOG = System.getLogger(ObjectEventHandler.class.getName());

    private final EventProcessor processor;

    public ObjectEventHandler(EventProcessor processor) {
        this.processor = processor;
    }

    public IndexResult handle(CloudEvent canonical) {
        IndexResult result = processor.process(CanonicalCloudEvents.toCore(canonical));
        LOG.log(
                System.Logger.Level.INFO,
                "{0} {1} {2}: {3}, {4} written, {5} removed{6}",
                canonical.getType(),
                canonical.getSource(),
                canonical.getSubject(),
                result.outcome(),
                result.vectors(),
                result.removed(),
                result.detail() == null ? "" : " (" + result.detail() + ")");
        return result;
    }
}
