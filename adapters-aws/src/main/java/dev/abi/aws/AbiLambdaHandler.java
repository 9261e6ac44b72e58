package dev.abi.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.EventJson;
import dev.abi.adapters.MalformedEventException;
import dev.abi.aws.triggers.EventBridgeS3Trigger;
import dev.abi.aws.triggers.HttpApiTrigger;
import dev.abi.aws.triggers.LambdaTrigger;
import dev.abi.aws.triggers.RestApiTrigger;
import dev.abi.aws.triggers.S3NotificationTrigger;
import dev.abi.aws.triggers.SqsTrigger;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The one Lambda entry point: every trigger (API Gateway HTTP and REST APIs, Function URLs, S3 notifications,
 * EventBridge, SQS) reaches this handler, which hands the event to the {@link LambdaTrigger} that recognises its shape
 * and writes that trigger's reply. One function package serves them all; deploy it once per trigger set you need.
 */
public class AbiLambdaHandler implements RequestStreamHandler {

    private static final System.Logger LOG = System.getLogger(AbiLambdaHandler.class.getName());

    private final List<LambdaTrigger> triggers;
    private final EmfMetrics metrics;

    @Inject
    public AbiLambdaHandler(
            HttpApiTrigger httpApi,
            RestApiTrigger restApi,
            SqsTrigger sqs,
            S3NotificationTrigger s3,
            EventBridgeS3Trigger eventBridge,
            EmfMetrics metrics) {
        this.triggers = List.of(httpApi, restApi, sqs, s3, eventBridge);
        this.metrics = metrics;
    }

    /** Handles the event, then writes the invocation's metrics as EMF lines, whatever the outcome. */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try {
            dispatch(input, output);
        } finally {
            metrics.flush(System.currentTimeMillis(), context == null ? null : context.getAwsRequestId());
        }
    }

    private void dispatch(InputStream input, OutputStream output) throws IOException {
        JsonNode event = EventJson.parse(input);
        LambdaTrigger trigger = triggers.stream()
                .filter(t -> t.accepts(event))
                .findFirst()
                .orElseThrow(() -> {
                    MalformedEventException e = new MalformedEventException(
                            "event",
                            "matches no supported trigger (API "
                                    + "Gateway HTTP or REST API, Function URL, S3 notification, EventBridge S3 event, SQS); top-level "
                                    + "fields: " + fieldNames(event));
                    LOG.log(System.Logger.Level.WARNING, e.getMessage());
                    return e;
                });
        EventJson.MAPPER.writeValue(output, trigger.handle(event));
    }

    private static String fieldNames(JsonNode event) {
        StringBuilder b = new StringBuilder();
        event.fieldNames()
                .forEachRemaining(f -> b.append(b.isEmpty() ? "" : ", ").append(f));
        return b.isEmpty() ? "(none)" : b.toString();
    }
}
