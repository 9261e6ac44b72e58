package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.events.IndexResult;
import dev.abi.events.ObjectCreated;
import dev.abi.events.ObjectIndexer;
import dev.abi.events.ObjectRemoved;
import dev.abi.gateway.auth.Role;
import dev.abi.store.BucketNames;
import dev.abi.store.ObjectKeys;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The direct way to index or un-index one object: {@code POST /indexObject} and {@code POST /removeObject} with
 * {@code {"bucket","key"}} (optionally {@code etag}, {@code version}, {@code size}, {@code time}). They go through
 * the gateway like every route: authentication, the {@code write} role on every namespace (the object's namespace is
 * decided by the mapping, after the check), rate limits and idempotency. Unlike the cloud triggers, which
 * dead-letter a poison object, these answer a bad object with a 400 problem naming it; a bucket or key that is not
 * a valid name is refused before any store is touched, and a missing object answers the same whatever the reason.
 */
final class ObjectEventsApi {

    private final ObjectIndexer indexer;

    ObjectEventsApi(ObjectIndexer indexer) {
        this.indexer = indexer;
    }

    void register(Router router) {
        router.add("POST", "/indexObject", Role.WRITE, (r, p) -> index(r))
                .add("POST", "/removeObject", Role.WRITE, (r, p) -> remove(r));
    }

    private HttpResponse index(HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        String bucket = bucket(body);
        String key = key(body);
        IndexResult result = indexer.index(new ObjectCreated(
                bucket, key, optionalText(body, "etag"), optionalText(body, "version"), size(body), time(body)));
        if (result.outcome() == IndexResult.Outcome.SKIPPED) {
            // an event may race a deletion; a direct call naming a missing object is the caller's mistake
            throw new ValidationException("key", "object '" + key + "' is not in bucket '" + bucket + "'");
        }
        return json(result);
    }

    private HttpResponse remove(HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        String bucket = bucket(body);
        String key = key(body);
        return json(indexer.remove(new ObjectRemoved(bucket, key, optionalText(body, "version"), time(body))));
    }

    private static String bucket(JsonNode body) {
        String bucket = requiredText(body, "bucket");
        try {
            return BucketNames.requireValid(bucket);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("bucket", e.getMessage());
        }
    }

    private static String key(JsonNode body) {
        String key = requiredText(body, "key");
        try {
            return ObjectKeys.requireValid(key);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "key",
                    "must be a relative object key of 1 to 1024 bytes with no empty,"
                            + " '.' or '..' segment and no control character or backslash");
        }
    }

    private static String requiredText(JsonNode body, String field) {
        JsonNode n = JsonBodies.required(body, field, field);
        if (!n.isTextual() || n.textValue().isBlank()) {
            throw new ValidationException(field, "must be a non-empty string");
        }
        return n.textValue();
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.textValue().length() > 1024) {
            throw new ValidationException(field, "must be a string of at most 1024 characters");
        }
        return n.textValue();
    }

    private static long size(JsonNode body) {
        JsonNode n = body.get("size");
        if (n == null || n.isNull() || (n.isIntegralNumber() && n.canConvertToLong() && n.longValue() == 0)) {
            return -1;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new ValidationException("size", "must be a non-negative integer (bytes)");
        }
        return n.longValue();
    }

    private static Instant time(JsonNode body) {
        String t = optionalText(body, "time");
        try {
            return t == null ? Instant.now() : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new ValidationException("time", "must be an ISO-8601 instant, e.g. 2026-11-24T10:00:00Z");
        }
    }

    private static HttpResponse json(IndexResult result) {
        try {
            return HttpResponse.json(200, JsonBodies.MAPPER.writeValueAsBytes(result));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
