package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.MalformedEventException;
import dev.abi.adapters.ObjectEventHandler;
import io.cloudevents.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** EventBridge events from S3: "Object Created" and "Object Deleted" (other S3 detail types are ignored). */
@ApplicationScoped
public class EventBridgeS3Trigger implements LambdaTrigger {

    private static final System.Logger LOG = System.getLogger(EventBridgeS3Trigger.class.getName());

    @Inject
    ObjectEventHandler handler;

    @Override
    public String name() {
        return "EventBridge (S3)";
    }

    @Override
    public boolean accepts(JsonNode event) {
        return "aws.s3".equals(event.path("source").asText()) && event.has("detail-type");
    }

    @Override
    public Object handle(JsonNode event) {
        StorageReplies out = new StorageReplies();
        try {
            CloudEvent canonical = S3EventMapping.fromEventBridge(event);
            if (canonical != null) {
                out.results().add(handler.handle(canonical));
            }
        } catch (MalformedEventException e) {
            LOG.log(System.Logger.Level.WARNING, "refused EventBridge event: {0}", e.getMessage());
            out.refused().add(e.getMessage());
        }
        return out;
    }
}
