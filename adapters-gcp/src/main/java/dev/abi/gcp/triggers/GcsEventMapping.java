package dev.abi.gcp.triggers;

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
import java.util.Base64;

/**
 * Eventarc CloudEvents to the canonical event: Cloud Storage's {@code google.cloud.storage.object.v1.finalized},
 * {@code .deleted} and {@code .archived} (data: the object's JSON resource), and Pub/Sub's
 * {@code google.cloud.pubsub.topic.v1.messagePublished} carrying a Cloud Storage notification (attributes
 * {@code eventType}, {@code bucketId}, {@code objectId}, {@code objectGeneration}; data: the object resource when the
 * payload format is {@code JSON_API_V1}). An archived object (the live version replaced or deleted in a versioned
 * bucket) counts as removed: core keeps the documents when the object exists again.
 */
public final class GcsEventMapping {

    public static final String FINALIZED = "google.cloud.storage.object.v1.finalized";
    public static final String DELETED = "google.cloud.storage.object.v1.deleted";
    public static final String ARCHIVED = "google.cloud.storage.object.v1.archived";
    public static final String PUBSUB = "google.cloud.pubsub.topic.v1.messagePublished";

    private GcsEventMapping() {}

    /** The canonical event, or null for events that neither create nor remove an object (metadata updates). */
    public static CloudEvent canonical(CloudEvent event) {
        JsonNode data = data(event);
        Instant time = event.getTime() == null ? Instant.now() : event.getTime().toInstant();
        return switch (event.getType()) {
            case FINALIZED -> created(data, "data.", time);
            case DELETED, ARCHIVED -> removed(data, "data.", time);
            case PUBSUB -> fromPubSub(data, time);
            default -> null;
        };
    }

    private static CloudEvent fromPubSub(JsonNode data, Instant time) {
        JsonNode message = EventJson.object(data, "message", "data.");
        JsonNode attributes = EventJson.object(message, "attributes", "data.message.");
        String eventType = EventJson.text(attributes, "eventType", "data.message.attributes.");
        String bucket = EventJson.text(attributes, "bucketId", "data.message.attributes.");
        String name = EventJson.text(attributes, "objectId", "data.message.attributes.");
        String generation = EventJson.optText(attributes, "objectGeneration");
        String eventTime = EventJson.optText(attributes, "eventTime");
        Instant when = eventTime == null ? time : EventJson.time(attributes, "eventTime", "data.message.attributes.");
        JsonNode resource = null;
        String payload = EventJson.optText(message, "data");
        if ("JSON_API_V1".equals(EventJson.optText(attributes, "payloadFormat")) && payload != null) {
            try {
                resource = EventJson.parse(
                        new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8), "data.message.data");
            } catch (IllegalArgumentException e) {
                throw new MalformedEventException("data.message.data", "is not base64");
            }
        }
        return switch (eventType) {
            case "OBJECT_FINALIZE" ->
                CanonicalCloudEvents.of(new ObjectCreated(
                        bucket,
                        name,
                        resource == null ? null : EventJson.optText(resource, "etag"),
                        generation,
                        resource == null ? -1 : EventJson.size(resource, "size", "data.message.data."),
                        when));
            case "OBJECT_DELETE", "OBJECT_ARCHIVE" ->
                CanonicalCloudEvents.of(new ObjectRemoved(bucket, name, generation, when));
            default -> null;
        };
    }

    private static CloudEvent created(JsonNode object, String path, Instant time) {
        return CanonicalCloudEvents.of(new ObjectCreated(
                EventJson.text(object, "bucket", path),
                EventJson.text(object, "name", path),
                EventJson.optText(object, "etag"),
                EventJson.optText(object, "generation"),
                EventJson.size(object, "size", path),
                time));
    }

    private static CloudEvent removed(JsonNode object, String path, Instant time) {
        return CanonicalCloudEvents.of(new ObjectRemoved(
                EventJson.text(object, "bucket", path),
                EventJson.text(object, "name", path),
                EventJson.optText(object, "generation"),
                time));
    }

    private static JsonNode data(CloudEvent event) {
        if (event.getData() == null) {
            throw new MalformedEventException("data", "is missing");
        }
        try {
            JsonNode node = EventJson.MAPPER.readTree(event.getData().toBytes());
            if (node == null || !node.isObject()) {
                throw new MalformedEventException("data", "must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedEventException("data", "is not JSON");
        }
    }
}
