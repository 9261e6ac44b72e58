package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.EventJson;
import dev.abi.adapters.MalformedEventException;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;

/**
 * API Gateway REST API events (Lambda proxy integration, payload format 1.0). {@code path} is the request path
 * without the stage; multi-value headers and query parameters win over the single-value maps, joined as HTTP does.
 */
@ApplicationScoped
public class RestApiTrigger implements LambdaTrigger {

    @Inject
    Gateway gateway;

    @Override
    public String name() {
        return "API Gateway REST API";
    }

    @Override
    public boolean accepts(JsonNode event) {
        return event.has("httpMethod") && event.has("requestContext") && !event.has("Records");
    }

    @Override
    public Object handle(JsonNode event) {
        HttpResponse response;
        try {
            String method = EventJson.text(event, "httpMethod", "");
            String path = EventJson.text(event, "path", "");
            Map<String, String> headers = HttpEvents.stringMap(event.get("headers"));
            Map<String, String> multi = HttpEvents.joinedMultiMap(event.get("multiValueHeaders"));
            Map<String, String> merged = new HashMap<>(headers);
            merged.putAll(multi);
            Map<String, String> query = new HashMap<>(HttpEvents.stringMap(event.get("queryStringParameters")));
            HttpEvents.firstOfMultiMap(event.get("multiValueQueryStringParameters"))
                    .forEach(query::putIfAbsent);
            response = gateway.handle(
                    new HttpRequest(method, path, query, merged, HttpEvents.body(event)),
                    EventJson.optText(event.path("requestContext"), "requestId"));
        } catch (MalformedEventException e) {
            response = HttpEvents.malformed(e);
        }
        return HttpEvents.reply(response);
    }
}
