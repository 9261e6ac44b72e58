package dev.abi.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.HttpResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Lambda entry for API Gateway HTTP API (payload v2) and Function URL events: decode into the core request, call the
 * gateway, encode the reply. Replies are buffered (Lambda's buffered invoke cannot stream).
 */
public class ApiGatewayHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    @Inject
    Gateway gateway;

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String body = event.getBody();
        byte[] bytes = body == null ? new byte[0]
                : event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        HttpResponse response = gateway.handle(new HttpRequest(event.getRequestContext().getHttp().getMethod(),
                event.getRawPath(), event.getQueryStringParameters(), event.getHeaders(), bytes));
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(response.headers())
                .withBody(response.bodyText())
                .withIsBase64Encoded(false)
                .build();
    }
}
