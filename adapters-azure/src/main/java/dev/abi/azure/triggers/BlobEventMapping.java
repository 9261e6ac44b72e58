package dev.abi.azure.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.CanonicalCloudEvents;
import dev.abi.adapters.EventJson;
import dev.abi.adapters.MalformedEventException;
import dev.abi.events.ObjectCreated;
import dev.abi.events.ObjectRemoved;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Event Grid events in the CloudEvents 1.0 schema from Blob Storage to the canonical event:
 * {@code Microsoft.Storage.BlobCreated} and {@code BlobDeleted}. The container and blob name come from the subject
 * ({@code /blobServices/default/containers/<container>/blobs/<name>}), the etag, size and sequencer from the data.
 */
public final class BlobEventMapping {

    /** A blob was written. */
    public static final String BLOB_CREATED = "Microsoft.Storage.BlobCreated";
    /** A blob was deleted. */
    public static final String BLOB_DELETED = "Microsoft.Storage.BlobDeleted";

    private static final String CONTAINERS = "/blobServices/default/containers/";

    private BlobEventMapping() {}

    /** The Event Grid delivery (structured-mode CloudEvent JSON) as a CloudEvent. */
    public static CloudEvent providerEvent(String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("event", "is empty");
        }
        return CanonicalCloudEvents.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The canonical event, or null for other event types (tier changes, directory events, ...). */
    public static CloudEvent canonical(CloudEvent event) {
        String type = event.getType();
        if (!type.equals(BLOB_CREATED) && !type.equals(BLOB_DELETED)) {
            return null;
        }
        String subject = event.getSubject();
        int blobs = subject == null ? -1 : subject.indexOf("/blobs/");
        if (subject == null || !subject.startsWith(CONTAINERS) || blobs < 0) {
            throw new MalformedEventException(
                    "subject", "must read " + CONTAINERS + "<container>/blobs/<name>, not '" + subject + "'");
        }
        String container = subject.substring(CONTAINERS.length(), blobs);
        String name = subject.substring(blobs + "/blobs/".length());
        if (container.isEmpty() || name.isEmpty()) {
            throw new MalformedEventException("subject", "names no container or blob: '" + subject + "'");
        }
        JsonNode data;
        try {
            data = event.getData() == null
                    ? EventJson.MAPPER.createObjectNode()
                    : EventJson.MAPPER.readTree(event.getData().toBytes());
        } catch (IOException e) {
            throw new MalformedEventException("data", "is not JSON");
        }
        Instant time = event.getTime() == null ? Instant.now() : event.getTime().toInstant();
        String sequencer = EventJson.optText(data, "sequencer");
        if (type.equals(BLOB_CREATED)) {
            String etag = EventJson.optText(data, "eTag");
            return CanonicalCloudEvents.of(new ObjectCreated(
                    container,
                    name,
                    etag == null ? null : etag.replace("\"", ""),
                    sequencer,
                    EventJson.size(data, "contentLength", "data."),
                    time));
        }
        return CanonicalCloudEvents.of(new ObjectRemoved(container, name, sequencer, time));
    }
}
