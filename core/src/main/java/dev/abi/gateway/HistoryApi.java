package dev.abi.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.gateway.auth.Role;
import dev.abi.namespace.NamespaceService;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The version-history routes of the API: list versions, take and list snapshots (tags GC keeps), and restore to a
 * version, a time or a snapshot. Times are RFC 3339 / ISO-8601 instants in UTC on the wire.
 */
final class HistoryApi {

    static final Pattern SNAPSHOT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final int MAX_VERSIONS = 1000;

    private final NamespaceService namespaces;

    HistoryApi(NamespaceService namespaces) {
        this.namespaces = namespaces;
    }

    void register(Router router) {
        router.add("GET", "/v1/namespaces/{ns}/versions", Role.READ, (r, p) -> versions(VectorApi.namespace(p), r))
                .add("POST", "/v1/namespaces/{ns}/snapshots", Role.WRITE, (r, p) -> snapshot(VectorApi.namespace(p), r))
                .add("GET", "/v1/namespaces/{ns}/snapshots", Role.READ, (r, p) -> snapshots(VectorApi.namespace(p)))
                .add("POST", "/v1/namespaces/{ns}/restore", Role.ADMIN, (r, p) -> restore(VectorApi.namespace(p), r));
    }

    private HttpResponse versions(String name, HttpRequest request) {
        int limit = queryLong(request, "limit", 20, 1, MAX_VERSIONS).intValue();
        Long before = request.query().containsKey("before") ? queryLong(request, "before", 0, 0, Long.MAX_VALUE) : null;
        List<NamespaceService.VersionInfo> versions = namespaces.versions(name, limit, before);
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("versions");
            for (NamespaceService.VersionInfo v : versions) {
                g.writeStartObject();
                g.writeNumberField("version", v.version());
                g.writeStringField(
                        "commitTs", Instant.ofEpochMilli(v.commitTs()).toString());
                g.writeNumberField("ops", v.ops());
                if (v.restoredFrom() != null) {
                    g.writeNumberField("restoredFrom", v.restoredFrom());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private HttpResponse snapshot(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode n = JsonBodies.required(body, "name", "name");
        if (!n.isTextual() || !SNAPSHOT_NAME.matcher(n.textValue()).matches()) {
            throw new ValidationException("name", "must match [A-Za-z0-9_.-]{1,128}");
        }
        Long version = body.hasNonNull("version") ? nonNegative(body.get("version"), "version") : null;
        NamespaceService.SnapshotInfo s = namespaces.snapshot(name, n.textValue(), version);
        return VectorApi.json(201, g -> writeSnapshot(g, s));
    }

    private HttpResponse snapshots(String name) {
        List<NamespaceService.SnapshotInfo> all = namespaces.snapshots(name);
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("snapshots");
            for (NamespaceService.SnapshotInfo s : all) {
                writeSnapshot(g, s);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private HttpResponse restore(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        int given = (body.has("version") ? 1 : 0) + (body.has("timestamp") ? 1 : 0) + (body.has("snapshot") ? 1 : 0);
        if (given != 1) {
            throw new ValidationException("body", "give exactly one of \"version\", \"timestamp\" or \"snapshot\"");
        }
        NamespaceService.RestoreResult r;
        if (body.has("version")) {
            r = namespaces.restoreToVersion(name, nonNegative(body.get("version"), "version"));
        } else if (body.has("timestamp")) {
            r = namespaces.restoreToTime(name, timestamp(body.get("timestamp"), "timestamp"));
        } else {
            JsonNode s = body.get("snapshot");
            if (!s.isTextual() || !SNAPSHOT_NAME.matcher(s.textValue()).matches()) {
                throw new ValidationException("snapshot", "must match [A-Za-z0-9_.-]{1,128}");
            }
            r = namespaces.restoreToSnapshot(name, s.textValue());
        }
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("restoredFrom", r.restoredFrom());
            g.writeNumberField("version", r.version());
            g.writeEndObject();
        });
    }

    /** Parses {@code asOf} of a query: {@code {"version":V}} or {@code {"timestamp":"...Z"}}; null when absent. */
    static NamespaceService.AsOf asOf(JsonNode asOf) {
        if (asOf == null || asOf.isNull()) {
            return null;
        }
        if (!asOf.isObject() || asOf.size() != 1) {
            throw new ValidationException("asOf", "must be {\"version\":V} or {\"timestamp\":\"...Z\"}");
        }
        if (asOf.has("version")) {
            return NamespaceService.AsOf.version(nonNegative(asOf.get("version"), "asOf.version"));
        }
        if (asOf.has("timestamp")) {
            return NamespaceService.AsOf.timestamp(timestamp(asOf.get("timestamp"), "asOf.timestamp"));
        }
        throw new ValidationException("asOf", "must be {\"version\":V} or {\"timestamp\":\"...Z\"}");
    }

    static long timestamp(JsonNode n, String field) {
        if (n == null || !n.isTextual()) {
            throw new ValidationException(field, "must be an RFC 3339 UTC time such as \"2026-11-23T12:00:00Z\"");
        }
        try {
            return Instant.parse(n.textValue()).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new ValidationException(
                    field,
                    "must be an RFC 3339 UTC time such as \"2026-11-23T12:00:00Z\", got '"
                            + VectorApi.abbreviate(n.textValue()) + "'");
        }
    }

    private static long nonNegative(JsonNode v, String field) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new ValidationException(field, "must be a non-negative integer");
        }
        return v.longValue();
    }

    private static Long queryLong(HttpRequest request, String name, long dflt, long min, long max) {
        String raw = request.query().get(name);
        if (raw == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(raw);
            if (v < min || v > max) {
                throw new ValidationException(name, "must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ValidationException(name, "must be an integer");
        }
    }

    private static void writeSnapshot(JsonGenerator g, NamespaceService.SnapshotInfo s) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeNumberField("version", s.version());
        g.writeStringField("commitTs", Instant.ofEpochMilli(s.commitTs()).toString());
        g.writeEndObject();
    }
}
