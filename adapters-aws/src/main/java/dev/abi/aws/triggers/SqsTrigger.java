package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.adapters.EventJson;
import dev.abi.adapters.MalformedEventException;
import dev.abi.adapters.ObjectEventHandler;
import io.cloudevents.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * SQS messages carrying S3 notifications (S3 to SQS, or S3 to SNS to SQS), or EventBridge S3 events (an EventBridge
 * rule with an SQS target). Replies with {@code batchItemFailures}, so only messages that failed transiently come
 * back (the event source mapping needs {@code ReportBatchItemFailures}). A malformed message or a poison object is
 * acknowledged: it is logged, or dead-lettered by core, never redelivered.
 */
@ApplicationScoped
public class SqsTrigger implements LambdaTrigger {

    private static final System.Logger LOG = System.getLogger(SqsTrigger.class.getName());

    @Inject
    ObjectEventHandler handler;

    @Override
    public String name() {
        return "SQS";
    }

    @Override
    public boolean accepts(JsonNode event) {
        JsonNode records = event.get("Records");
        return records != null
                && records.isArray()
                && !records.isEmpty()
                && "aws:sqs".equals(records.get(0).path("eventSource").asText());
    }

    @Override
    public Object handle(JsonNode event) {
        ObjectNode reply = EventJson.MAPPER.createObjectNode();
        ArrayNode failures = reply.putArray("batchItemFailures");
        JsonNode records = event.get("Records");
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            String messageId = record.path("messageId").asText(null);
            String where = "Records[" + i + "].body";
            StorageReplies out = new StorageReplies();
            try {
                JsonNode body = EventJson.parse(EventJson.text(record, "body", "Records[" + i + "]."), where);
                if ("Notification".equals(body.path("Type").asText())
                        && body.path("Message").isTextual()) {
                    body = EventJson.parse(body.get("Message").textValue(), where + ".Message"); // through SNS
                }
                if ("s3:TestEvent".equals(body.path("Event").asText())) {
                    continue; // sent once when a notification configuration is saved
                }
                RuntimeException transientFailure = null;
                if (body.has("Records")) {
                    transientFailure = StorageRecords.apply(body, where + ".", handler, out);
                } else if ("aws.s3".equals(body.path("source").asText())) {
                    CloudEvent canonical = S3EventMapping.fromEventBridge(body);
                    if (canonical != null) {
                        handler.handle(canonical);
                    }
                } else {
                    throw new MalformedEventException(
                            where, "is neither an S3 notification nor an EventBridge S3 event");
                }
                if (transientFailure != null) {
                    fail(failures, messageId, transientFailure);
                }
            } catch (MalformedEventException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "acknowledged malformed SQS message {0}: {1}",
                        messageId,
                        e.getMessage());
            } catch (RuntimeException e) {
                fail(failures, messageId, e);
            }
        }
        return reply;
    }

    private static void fail(ArrayNode failures, String messageId, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "SQS message {0} failed and goes back to the queue: {1}", messageId, e);
        failures.addObject().put("itemIdentifier", messageId);
    }
}
