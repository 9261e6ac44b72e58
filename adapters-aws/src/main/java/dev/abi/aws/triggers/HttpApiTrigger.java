package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.EventJson;
import dev.abi.adapters.MalformedEventException;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * API Gateway HTTP API events (payload format 2.0) and Lambda Function URL events, which share that format. A path
 * under a named stage ({@code /prod/v1/...}) is served as {@code /v1/...}. API Gateway's {@code requestContext.requestId}
 * is the request's id unless the client sent its own {@code X-Request-Id}.
 */
@ApplicationScoped
public class HttpApiTrigger implements LambdaTrigger {

    @Inject
    Gateway gateway;

    @Override
    public String name() {
        return "API Gateway HTTP API / Function URL";
    }

    @Override
    public boolean accepts(JsonNode event) {
        return "2.0".equals(event.path("version").asText())
                && event.path("requestContext").has("http");
    }

    @Override
    public Object handle(JsonNode event) {
        HttpResponse response;
        try {
            JsonNode context = EventJson.object(event, "requestContext", "");
            String method = EventJson.text(
                    EventJson.object(context, "http", "requestContext."), "method", "requestContext.http.");
            String path = EventJson.text(event, "rawPath", "");
            String stage = EventJson.optText(context, "stage");
            if (stage != null && !stage.equals("$default") && path.startsWith("/" + stage + "/")) {
                path = path.substring(stage.length() + 1);
            }
            response = gateway.handle(
                    new HttpRequest(
                            method,
                            path,
                            HttpEvents.stringMap(event.get("queryStringParameters")),
                            HttpEvents.stringMap(event.get("headers")),
                            HttpEvents.body(event)),
                    EventJson.optText(context, "requestId"));
        } catch (MalformedEventException e) {
            response = HttpEvents.malformed(e);
        }
        return HttpEvents.reply(response);
    }
}
