package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.CanonicalCloudEvents;
import dev.abi.adapters.EventJson;
import dev.abi.adapters.MalformedEventException;
import dev.abi.events.ObjectCreated;
import dev.abi.events.ObjectRemoved;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * S3 event shapes to CloudEvents. A notification record first becomes the CloudEvent of the CloudEvents spec's AWS
 * S3 adapter ({@code type = com.amazonaws.s3.<eventName>}, {@code source = <awsRegion>.<bucket>}, {@code subject} =
 * the key, {@code id} from the request ids, {@code time = eventTime}, the record as data), then the canonical one.
 * Keys arrive URL-encoded ({@code red+flower.jpg}) in notifications and EventBridge events alike, and are decoded.
 */
final class S3EventMapping {

    private S3EventMapping() {}

    /** One record of an S3 notification, as the CloudEvents spec's AWS S3 adapter maps it. */
    static CloudEvent providerEvent(JsonNode record, String path) {
        String eventName = EventJson.text(record, "eventName", path);
        JsonNode s3 = EventJson.object(record, "s3", path);
        String bucket = EventJson.text(EventJson.object(s3, "bucket", path + "s3."), "name", path + "s3.bucket.");
        JsonNode object = EventJson.object(s3, "object", path + "s3.");
        String key = decodeKey(EventJson.text(object, "key", path + "s3.object."), path + "s3.object.key");
        Instant time = EventJson.time(record, "eventTime", path);
        String region = EventJson.optText(record, "awsRegion");
        JsonNode response = record.path("responseElements");
        String requestId = EventJson.optText(response, "x-amz-request-id");
        String hostId = EventJson.optText(response, "x-amz-id-2");
        String id = requestId != null
                ? requestId + (hostId == null ? "" : "." + hostId)
                : bucket + "/" + key + "@" + EventJson.optText(object, "sequencer");
        try {
            return CloudEventBuilder.v1()
                    .withId(id)
                    .withSource(URI.create((region == null ? "" : region + ".") + bucket))
                    .withType("com.amazonaws.s3." + (eventName.startsWith("s3:") ? eventName.substring(3) : eventName))
                    .withSubject(key)
                    .withTime(time.atOffset(ZoneOffset.UTC))
                    .withDataContentType("application/json")
                    .withData(EventJson.MAPPER.writeValueAsBytes(record))
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(path + "s3.bucket.name", "cannot form a CloudEvent source");
        }
    }

    /**
     * The canonical event for an S3 CloudEvent, or null for event types that neither create nor remove an object
     * (restore, tagging, ACL, replication, lifecycle transition).
     */
    static CloudEvent canonical(CloudEvent s3Event) {
        String type = s3Event.getType().substring("com.amazonaws.s3.".length());
        JsonNode record;
        try {
            record = EventJson.MAPPER.readTree(s3Event.getData().toBytes());
        } catch (IOException e) {
            throw new MalformedEventException("data", "is not JSON");
        }
        JsonNode s3 = record.path("s3");
        String bucket = s3.path("bucket").path("name").asText();
        JsonNode object = s3.path("object");
        String key = s3Event.getSubject();
        String version = firstText(EventJson.optText(object, "versionId"), EventJson.optText(object, "sequencer"));
        Instant time = s3Event.getTime().toInstant();
        if (type.startsWith("ObjectCreated:")) {
            return CanonicalCloudEvents.of(new ObjectCreated(
                    bucket,
                    key,
                    unquote(EventJson.optText(object, "eTag")),
                    version,
                    EventJson.size(object, "size", "s3.object."),
                    time));
        }
        if (type.startsWith("ObjectRemoved:") || type.equals("LifecycleExpiration:Delete")) {
            return CanonicalCloudEvents.of(new ObjectRemoved(bucket, key, version, time));
        }
        return null;
    }

    /** An EventBridge "Object Created" / "Object Deleted" event from S3 as the canonical event; null for others. */
    static CloudEvent fromEventBridge(JsonNode event) {
        String detailType = EventJson.text(event, "detail-type", "");
        JsonNode detail = EventJson.object(event, "detail", "");
        String bucket = EventJson.text(EventJson.object(detail, "bucket", "detail."), "name", "detail.bucket.");
        JsonNode object = EventJson.object(detail, "object", "detail.");
        String key = decodeKey(EventJson.text(object, "key", "detail.object."), "detail.object.key");
        Instant time = EventJson.time(event, "time", "");
        String version = firstText(EventJson.optText(object, "version-id"), EventJson.optText(object, "sequencer"));
        return switch (detailType) {
            case "Object Created" ->
                CanonicalCloudEvents.of(new ObjectCreated(
                        bucket,
                        key,
                        unquote(EventJson.optText(object, "etag")),
                        version,
                        EventJson.size(object, "size", "detail.object."),
                        time));
            case "Object Deleted" -> CanonicalCloudEvents.of(new ObjectRemoved(bucket, key, version, time));
            default -> null;
        };
    }

    static String decodeKey(String raw, String path) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(path, "is not URL-encoded as S3 sends keys: '" + raw + "'");
        }
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    private static String firstText(String a, String b) {
        return a != null && !a.isEmpty() && !a.equals("null") ? a : b;
    }
}
