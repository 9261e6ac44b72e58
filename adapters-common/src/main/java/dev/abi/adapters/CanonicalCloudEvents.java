package dev.abi.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.events.CanonicalEvent;
import dev.abi.events.ObjectCreated;
import dev.abi.events.ObjectRemoved;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * The canonical CloudEvent every storage trigger becomes, whatever the cloud: S3 notifications, EventBridge, SQS,
 * Eventarc, Pub/Sub, Event Grid and blob triggers all map to one of two types, with the same attributes and data for
 * the same logical event, and from it to the one core call ({@code EventProcessor.process}).
 *
 * <ul>
 *   <li>{@code type}: {@value #CREATED} or {@value #REMOVED}</li>
 *   <li>{@code source}: {@code /buckets/<bucket>}; {@code subject}: the object key, decoded</li>
 *   <li>{@code id}: derived from type, bucket, key and version (or etag), so a redelivery has the same id</li>
 *   <li>{@code time}: when the provider says the object changed</li>
 *   <li>{@code data} (JSON): {@code bucket, key, etag, version, size}</li>
 * </ul>
 */
public final class CanonicalCloudEvents {

    /** An object was written. */
    public static final String CREATED = "dev.abi.storage.object.created.v1";
    /** An object was deleted. */
    public static final String REMOVED = "dev.abi.storage.object.removed.v1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventFormat STRUCTURED =
            EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    private CanonicalCloudEvents() {}

    public static CloudEvent of(ObjectCreated e) {
        ObjectNode data = JSON.createObjectNode().put("bucket", e.bucket()).put("key", e.key());
        putText(data, "etag", e.etag());
        putText(data, "version", e.version());
        data.put("size", e.size());
        return build(CREATED, e.bucket(), e.key(), e.writeId(), e.time(), data);
    }

    public static CloudEvent of(ObjectRemoved e) {
        ObjectNode data = JSON.createObjectNode().put("bucket", e.bucket()).put("key", e.key());
        putText(data, "version", e.version());
        return build(REMOVED, e.bucket(), e.key(), e.version(), e.time(), data);
    }

    /**
     * The core event a canonical CloudEvent stands for.
     *
     * @throws MalformedEventException when the type is not canonical or the data lacks bucket or key
     */
    public static CanonicalEvent toCore(CloudEvent event) {
        JsonNode data;
        try {
            data = event.getData() == null
                    ? null
                    : JSON.readTree(event.getData().toBytes());
        } catch (IOException e) {
            throw new MalformedEventException("data", "is not JSON");
        }
        if (data == null
                || !data.path("bucket").isTextual()
                || !data.path("key").isTextual()) {
            throw new MalformedEventException("data", "needs \"bucket\" and \"key\" strings");
        }
        Instant time = event.getTime() == null ? Instant.EPOCH : event.getTime().toInstant();
        String bucket = data.get("bucket").textValue();
        String key = data.get("key").textValue();
        return switch (event.getType()) {
            case CREATED ->
                new ObjectCreated(
                        bucket,
                        key,
                        text(data, "etag"),
                        text(data, "version"),
                        data.path("size").asLong(-1),
                        time);
            case REMOVED -> new ObjectRemoved(bucket, key, text(data, "version"), time);
            default ->
                throw new MalformedEventException(
                        "type",
                        "'" + event.getType() + "' is not a canonical " + "object event (" + CREATED + " or " + REMOVED
                                + ")");
        };
    }

    /** The event in structured JSON form (CloudEvents JSON format). */
    public static byte[] toJson(CloudEvent event) {
        return STRUCTURED.serialize(event);
    }

    /**
     * Reads a structured-mode CloudEvent (JSON).
     *
     * @throws MalformedEventException naming what is wrong
     */
    public static CloudEvent fromJson(byte[] json) {
        try {
            return STRUCTURED.deserialize(json);
        } catch (RuntimeException e) {
            throw new MalformedEventException("event", "is not a structured CloudEvent: " + e.getMessage());
        }
    }

    private static CloudEvent build(
            String type, String bucket, String key, String writeId, Instant time, ObjectNode data) {
        try {
            return CloudEventBuilder.v1()
                    .withId(id(type, bucket, key, writeId == null ? String.valueOf(time) : writeId))
                    .withSource(URI.create("/buckets/" + bucket))
                    .withType(type)
                    .withSubject(key)
                    .withTime(time.atOffset(ZoneOffset.UTC))
                    .withDataContentType("application/json")
                    .withData(JSON.writeValueAsBytes(data))
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("bucket", "'" + bucket + "' cannot name a CloudEvent source");
        }
    }

    private static String id(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of()
                    .formatHex(sha.digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    private static String text(JsonNode data, String field) {
        JsonNode n = data.get(field);
        return n == null || !n.isTextual() ? null : n.textValue();
    }
}
