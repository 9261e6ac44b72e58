package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.gateway.auth.ApiKeys;
import dev.abi.gateway.auth.Grant;
import dev.abi.gateway.auth.Role;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * API key administration (role {@code admin} on {@code *}): {@code POST /v1/admin/keys}
 * {@code {"name","grants":["write:docs","read:*"]}} answers 201 with the key, shown this once;
 * {@code GET /v1/admin/keys} lists them without secrets; {@code DELETE /v1/admin/keys/{id}} revokes one. Every
 * action is written to the audit log.
 */
final class AdminApi {

    /** The route whose reply carries a new key's secret: its idempotent retries are never replayed. */
    static final String CREATE_KEY_ROUTE = "POST /v1/admin/keys";

    private final ApiKeys keys;

    AdminApi(ApiKeys keys) {
        this.keys = keys;
    }

    void register(Router router) {
        router.add("POST", "/v1/admin/keys", Role.ADMIN, (r, p) -> create(r))
                .add("GET", "/v1/admin/keys", Role.ADMIN, (r, p) -> list())
                .add("DELETE", "/v1/admin/keys/{id}", Role.ADMIN, (r, p) -> revoke(r, p.get("id")));
    }

    private HttpResponse create(HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode name = JsonBodies.required(body, "name", "name");
        if (!name.isTextual() || name.textValue().isBlank() || name.textValue().length() > 128) {
            throw new ValidationException("name", "must be a string of 1 to 128 characters");
        }
        JsonNode grantsNode = JsonBodies.required(body, "grants", "grants");
        if (!grantsNode.isArray() || grantsNode.isEmpty() || grantsNode.size() > 100) {
            throw new ValidationException("grants", "must be an array of 1 to 100 grants like \"write:docs\"");
        }
        List<Grant> grants = new ArrayList<>();
        for (int i = 0; i < grantsNode.size(); i++) {
            try {
                grants.add(Grant.parse(grantsNode.get(i).asText()));
            } catch (IllegalArgumentException e) {
                throw new ValidationException("grants[" + i + "]", e.getMessage());
            }
        }
        ApiKeys.Created created = keys.create(name.textValue(), grants);
        Audit.log(request, "api-key.create", created.info().id(), grants.toString());
        return VectorApi.json(201, g -> {
            g.writeStartObject();
            g.writeStringField("id", created.info().id());
            g.writeStringField("name", created.info().name());
            g.writeStringField("key", created.key());
            writeGrants(g, created.info().grants());
            g.writeEndObject();
        });
    }

    /**
     * What a retry of a key creation answers instead of the reply, which held the secret and so was not recorded: the
     * id of the key the first request created, and what to do.
     */
    static String replayNotice(byte[] createdReply) {
        String id;
        try {
            id = JsonBodies.MAPPER.readTree(createdReply).path("id").asText("?");
        } catch (IOException e) {
            id = "?";
        }
        return "the first request with this Idempotency-Key created API key '" + id + "'; its secret is shown only"
                + " once and never stored, so it cannot be replayed. If that reply was lost, revoke the key (DELETE"
                + " /v1/admin/keys/" + id + ") and create a new one";
    }

    private HttpResponse list() {
        List<ApiKeys.KeyInfo> all = keys.list();
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("keys");
            for (ApiKeys.KeyInfo k : all) {
                g.writeStartObject();
                g.writeStringField("id", k.id());
                g.writeStringField("name", k.name());
                writeGrants(g, k.grants());
                g.writeNumberField("createdAt", k.createdAt());
                if (k.revokedAt() != null) {
                    g.writeNumberField("revokedAt", k.revokedAt());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private HttpResponse revoke(HttpRequest request, String id) {
        if (!id.matches("[0-9a-f]{12}")) {
            throw new ValidationException("id", "must be a key id (12 hex characters)");
        }
        if (!keys.revoke(id)) {
            throw new RouteNotFoundException("/v1/admin/keys/" + id + " (no such key)");
        }
        Audit.log(request, "api-key.revoke", id, "");
        return HttpResponse.noContent();
    }

    private static void writeGrants(com.fasterxml.jackson.core.JsonGenerator g, List<Grant> grants) throws IOException {
        g.writeArrayFieldStart("grants");
        for (Grant gr : grants) {
            g.writeString(gr.toString());
        }
        g.writeEndArray();
    }
}
