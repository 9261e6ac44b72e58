package dev.abi.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.abi.gateway.Gateway;
import dev.abi.gateway.HttpRequest;
import dev.abi.gateway.HttpResponse;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Azure Functions HTTP trigger for every API path: decode the host's request into the core record, call the gateway,
 * encode the reply. The host's route prefix is empty ({@code host.json}), so paths are {@code /v1/...} as in API.md.
 */
public class AzureHttpFunction {

    @Inject
    Gateway gateway;

    @FunctionName("api")
    public HttpResponseMessage handle(
            @HttpTrigger(
                            name = "request",
                            route = "{*path}",
                            dataType = "binary",
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            methods = {
                                HttpMethod.GET,
                                HttpMethod.POST,
                                HttpMethod.PUT,
                                HttpMethod.PATCH,
                                HttpMethod.DELETE
                            })
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        HttpResponse response = gateway.handle(
                new HttpRequest(
                        request.getHttpMethod().name(),
                        request.getUri().getRawPath(),
                        request.getQueryParameters(),
                        request.getHeaders(),
                        request.getBody().orElse(new byte[0])),
                context == null ? null : context.getInvocationId());
        HttpResponseMessage.Builder reply = request.createResponseBuilder(HttpStatusType.custom(response.status()));
        response.headers().forEach(reply::header);
        return reply.body(response.bufferedBody()).build();
    }
}
