package dev.abi.aws.triggers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.adapters.EventJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * SQS batches of S3 notifications: direct and through SNS are indexed, the S3 test event and a malformed body are
 * acknowledged, and only a transient failure comes back in {@code batchItemFailures}.
 */
class SqsTriggerTest {

    @Test
    void onlyTransientFailuresAreReportedAsBatchItemFailures() {
        Fixtures f = new Fixtures();
        f.bucket.putIfAbsent("handbook/houseplants.md", "Water when the soil is dry.".getBytes(StandardCharsets.UTF_8));
        f.bucket.putIfAbsent(
                "handbook/dns-records.md", "Point the A record at the server.".getBytes(StandardCharsets.UTF_8));
        ObjectNode batch = (ObjectNode) Fixtures.json("sqs/s3-batch.json");
        ObjectNode unreachable = batch.get("Records").get(0).deepCopy();
        unreachable.put("messageId", "6e1f4f31-0000-4000-8000-000000000001");
        unreachable.put(
                "body",
                unreachable
                        .get("body")
                        .asText()
                        .replace("\"name\": \"handbook-docs\"", "\"name\": \"unreachable\"")
                        .replace("\"name\":\"handbook-docs\"", "\"name\":\"unreachable\""));
        assertTrue(unreachable.get("body").asText().contains("unreachable"));
        ((com.fasterxml.jackson.databind.node.ArrayNode) batch.get("Records")).add(unreachable);

        SqsTrigger trigger = new SqsTrigger();
        trigger.handler = f.handler;
        JsonNode reply = EventJson.MAPPER.valueToTree(trigger.handle(batch));

        assertEquals(1, reply.get("batchItemFailures").size(), reply.toString());
        assertEquals(
                "6e1f4f31-0000-4000-8000-000000000001",
                reply.get("batchItemFailures").get(0).get("itemIdentifier").asText());
        assertEquals(2, f.namespaces.describe("handbook").count(), "direct and SNS-wrapped notifications indexed");
    }
}
