package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.gateway.auth.Role;
import dev.abi.namespace.NamespaceService;

/**
 * Operator repairs (role {@code admin}): {@code POST /v1/admin/namespaces/{ns}/repair} with
 * {@code {"quarantine": V, "force": false}} quarantines log entry {@code V} of a namespace whose head cannot be read
 * (docs/runbooks/repair.md) and answers 200 {@code {"version","replaced","quarantined":[keys],"headReadable",
 * "headProblem"?}} ({@code replaced} is false when the entry verified again and only the hold was lifted).
 * A readable entry answers 409 unless {@code force} is true. Every repair is written to the audit log.
 */
final class MaintenanceApi {

    private final NamespaceService namespaces;

    MaintenanceApi(NamespaceService namespaces) {
        this.namespaces = namespaces;
    }

    void register(Router router) {
        router.add("POST", "/v1/admin/namespaces/{ns}/repair", Role.ADMIN, (r, p) -> repair(VectorApi.namespace(p), r));
    }

    private HttpResponse repair(String name, HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode seq = JsonBodies.required(body, "quarantine", "quarantine");
        if (!seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 1) {
            throw new ValidationException("quarantine", "must be the version (log seq) to quarantine, an integer >= 1");
        }
        JsonNode force = body.path("force");
        if (!force.isMissingNode() && !force.isBoolean()) {
            throw new ValidationException("force", "must be true or false");
        }
        NamespaceService.RepairResult r = namespaces.repair(name, seq.asLong(), force.asBoolean(false));
        Audit.log(
                request,
                "namespace.repair",
                name,
                "quarantine=" + r.version() + " force=" + force.asBoolean(false) + " copies=" + r.quarantined());
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("version", r.version());
            g.writeBooleanField("replaced", r.replaced());
            g.writeArrayFieldStart("quarantined");
            for (String key : r.quarantined()) {
                g.writeString(key);
            }
            g.writeEndArray();
            g.writeBooleanField("headReadable", r.headProblem() == null);
            if (r.headProblem() != null) {
                g.writeStringField("headProblem", r.headProblem());
            }
            g.writeEndObject();
        });
    }
}
