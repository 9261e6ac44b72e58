package dev.abi.gcp;

import dev.abi.adapters.MalformedEventException;
import dev.abi.adapters.ObjectEventHandler;
import dev.abi.gcp.triggers.GcsEventMapping;
import io.cloudevents.CloudEvent;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The CloudEvents function (entry point {@link GcpStorageEventsEntry}) behind Eventarc triggers on Cloud Storage and
 * Pub/Sub, in binary or structured mode. A transient failure is thrown, so GCF retries when the function is deployed
 * with retries on; a malformed event or a poison object is answered and not retried.
 */
@ApplicationScoped
@Unremovable
public class GcpStorageEventsFunction {

    private static final System.Logger LOG = System.getLogger(GcpStorageEventsFunction.class.getName());

    @Inject
    ObjectEventHandler handler;

    public void storageEvents(CloudEvent event) {
        apply(event);
    }

    /** What {@link #storageEvents} does, returning the outcome, "ignored" or "refused: ...". */
    public String apply(CloudEvent event) {
        try {
            CloudEvent canonical = GcsEventMapping.canonical(event);
            return canonical == null
                    ? "ignored"
                    : handler.handle(canonical).outcome().name();
        } catch (MalformedEventException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "refused {0} event {1}: {2}",
                    event.getType(),
                    event.getId(),
                    e.getMessage());
            return "refused: " + e.getMessage();
        }
    }
}
