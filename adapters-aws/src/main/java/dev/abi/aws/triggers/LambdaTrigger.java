package dev.abi.aws.triggers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One kind of Lambda event (API Gateway HTTP API, REST API, S3 notification, EventBridge, SQS). The handler offers
 * each event to the triggers in turn; the first that recognises its shape decodes it, calls core and encodes the
 * reply that this event source expects.
 */
public interface LambdaTrigger {

    /** A short name for logs and errors. */
    String name();

    /** Whether the event has this trigger's shape. */
    boolean accepts(JsonNode event);

    /** Decodes, calls core, and returns the reply (serialised as JSON). */
    Object handle(JsonNode event);
}
