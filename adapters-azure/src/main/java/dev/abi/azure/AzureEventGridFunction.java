package dev.abi.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.abi.adapters.MalformedEventException;
import dev.abi.adapters.ObjectEventHandler;
import dev.abi.azure.triggers.BlobEventMapping;
import dev.abi.events.IndexResult;
import io.cloudevents.CloudEvent;
import jakarta.inject.Inject;

/**
 * Event Grid trigger, subscription in the CloudEvents 1.0 schema: blobs created in or deleted from a container are
 * indexed or un-indexed. A transient failure is thrown, so Event Grid retries with backoff (and dead-letters after its
 * retry policy when the subscription has a dead-letter destination); a malformed event or a poison blob is not retried.
 */
public class AzureEventGridFunction {

    private static final System.Logger LOG = System.getLogger(AzureEventGridFunction.class.getName());

    @Inject
    ObjectEventHandler handler;

    @FunctionName("blobEvents")
    public void handle(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
        apply(event);
    }

    /** What {@link #handle} does, returning the outcome: an {@link IndexResult.Outcome}, "ignored" or "refused: ...". */
    public String apply(String event) {
        try {
            CloudEvent canonical = BlobEventMapping.canonical(BlobEventMapping.providerEvent(event));
            if (canonical == null) {
                return "ignored";
            }
            IndexResult result = handler.handle(canonical);
            return result.outcome().name();
        } catch (MalformedEventException e) {
            LOG.log(System.Logger.Level.WARNING, "refused Event Grid event: {0}", e.getMessage());
            return "refused: " + e.getMessage();
        }
    }
}
