package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.MalformedEventException;
import dev.abi.adapters.ObjectEventHandler;
import io.cloudevents.CloudEvent;

/** Runs the records of one S3 notification through the canonical path, record by record. */
final class StorageRecords {

    private static final System.Logger LOG = System.getLogger(StorageRecords.class.getName());

    private StorageRecords() {}

    /**
     * Applies every record of a notification ({@code {"Records":[...]}}). A malformed record is refused and logged;
     * a transient failure is collected; neither stops the records after it.
     *
     * @return the first transient failure, or null
     */
    static RuntimeException apply(JsonNode notification, String path, ObjectEventHandler handler, StorageReplies out) {
        JsonNode records = notification.get("Records");
        if (records == null || !records.isArray()) {
            throw new MalformedEventException(path + "Records", "must be an array");
        }
        RuntimeException first = null;
        for (int i = 0; i < records.size(); i++) {
            String where = path + "Records[" + i + "].";
            try {
                CloudEvent canonical = S3EventMapping.canonical(S3EventMapping.providerEvent(records.get(i), where));
                if (canonical != null) {
                    out.results().add(handler.handle(canonical));
                }
            } catch (MalformedEventException e) {
                LOG.log(System.Logger.Level.WARNING, "refused S3 record: {0}", e.getMessage());
                out.refused().add(e.getMessage());
            } catch (RuntimeException e) {
                out.failed().add(where + ": " + e);
                first = first == null ? e : first;
            }
        }
        return first;
    }
}
