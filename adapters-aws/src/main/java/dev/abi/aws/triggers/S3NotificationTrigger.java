package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.ObjectEventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * S3 event notifications invoking the function directly ({@code ObjectCreated:*}, {@code ObjectRemoved:*}, several
 * records per event). Lambda retries a failed asynchronous invocation twice, so a transient failure is thrown once
 * the whole event ran; poison objects are dead-lettered by core and do not fail the invocation.
 */
@ApplicationScoped
public class S3NotificationTrigger implements LambdaTrigger {

    @Inject
    ObjectEventHandler handler;

    @Override
    public String name() {
        return "S3 notification";
    }

    @Override
    public boolean accepts(JsonNode event) {
        JsonNode records = event.get("Records");
        return records != null
                && records.isArray()
                && !records.isEmpty()
                && "aws:s3".equals(records.get(0).path("eventSource").asText());
    }

    @Override
    public Object handle(JsonNode event) {
        StorageReplies out = new StorageReplies();
        RuntimeException first = StorageRecords.apply(event, "", handler, out);
        if (first != null) {
            throw new TransientBatchFailureException(out.failed(), first);
        }
        return out;
    }
}
