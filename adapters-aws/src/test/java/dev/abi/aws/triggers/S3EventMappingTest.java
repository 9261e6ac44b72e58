package dev.abi.aws.triggers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.adapters.CanonicalCloudEvents;
import dev.abi.adapters.MalformedEventException;
import dev.abi.events.IndexResult;
import dev.abi.events.ObjectCreated;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** S3 notification records to the CloudEvents spec's S3 mapping, and on to the canonical event and core. */
class S3EventMappingTest {

    @Test
    void aRecordMapsAsTheCloudEventsSpecAwsS3AdapterSays() {
        JsonNode record =
                Fixtures.json("s3/contract-created.json").get("Records").get(0);
        CloudEvent e = S3EventMapping.providerEvent(record, "Records[0].");
        assertEquals("com.amazonaws.s3.ObjectCreated:Put", e.getType());
        assertEquals("us-east-1.handbook-docs", e.getSource().toString());
        assertEquals("handbook/On call+rota é.md", e.getSubject(), "URL-decoded: + is a space, %2B a plus");
        assertEquals("C3D13FE58DE4C810.FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD", e.getId());
        assertEquals("2026-11-24T10:15:30.123Z", e.getTime().toInstant().toString());
        assertTrue(
                new String(e.getData().toBytes(), StandardCharsets.UTF_8).contains("\"configurationId\""),
                "the record is the data");
    }

    @Test
    void tenRecordsDecodeTheirKeysAndKeepTheirOrder() {
        JsonNode records = Fixtures.json("s3/ten-records.json").get("Records");
        assertEquals(10, records.size());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            CloudEvent canonical = S3EventMapping.canonical(S3EventMapping.providerEvent(records.get(i), ""));
            keys.add(((ObjectCreated) CanonicalCloudEvents.toCore(canonical)).key());
        }
        assertEquals("handbook/bicycle-puncture.md", keys.get(0));
        assertEquals("handbook/empty page.md", keys.get(8));
        assertEquals("handbook/C++ notes+été.txt", keys.get(9));
        ObjectCreated empty = (ObjectCreated)
                CanonicalCloudEvents.toCore(S3EventMapping.canonical(S3EventMapping.providerEvent(records.get(8), "")));
        assertEquals(0, empty.size());
        assertEquals("0062000000000099", empty.version(), "no versionId: the sequencer tells writes apart");
    }

    @Test
    void otherEventTypesAreIgnoredMalformedRecordsRefusedAndPoisonDeadLettered() {
        Fixtures f = new Fixtures();
        f.bucket.putIfAbsent("handbook/scan.pdf", "%PDF".getBytes(StandardCharsets.UTF_8));
        StorageReplies out = new StorageReplies();
        RuntimeException transientFailure = StorageRecords.apply(Fixtures.json("s3/mixed.json"), "", f.handler, out);
        assertNull(transientFailure);
        assertEquals(1, out.refused().size());
        assertTrue(
                out.refused().get(0).startsWith("Records[1].s3.object"),
                out.refused().get(0));
        assertEquals(1, out.results().size(), "the restore event is not an index event");
        assertEquals(IndexResult.Outcome.DEAD_LETTERED, out.results().get(0).outcome());
        assertTrue(out.results().get(0).detail().contains("handbook/scan.pdf"));
    }

    @Test
    void aTransientFailureFailsTheInvocationAfterTheOtherRecordsRan() {
        Fixtures f = new Fixtures();
        f.bucket.putIfAbsent("handbook/marathon.md", "x".getBytes(StandardCharsets.UTF_8));
        String twoBuckets = Fixtures.json("s3/ten-records.json")
                .toString()
                .replaceFirst("\"name\":\"handbook-docs\"", "\"name\":\"unreachable\"");
        S3NotificationTrigger trigger = new S3NotificationTrigger();
        trigger.handler = f.handler;
        TransientBatchFailureException e = assertThrows(
                TransientBatchFailureException.class,
                () -> trigger.handle(dev.abi.adapters.EventJson.parse(twoBuckets, "event")));
        assertTrue(e.getMessage().startsWith("1 record(s) failed"), e.getMessage());
    }

    @Test
    void eventBridgeEventsMapToTheSameCanonicalEvents() {
        CloudEvent created = S3EventMapping.fromEventBridge(Fixtures.json("eventbridge/object-created.json"));
        ObjectCreated core = (ObjectCreated) CanonicalCloudEvents.toCore(created);
        assertEquals("handbook/marathon.md", core.key());
        assertEquals(855, core.size());
        assertEquals("617f08299329d190", core.version());
        assertNull(S3EventMapping.fromEventBridge(Fixtures.json("eventbridge/object-tags-added.json")));
        String broken = Fixtures.json("eventbridge/object-created.json")
                .toString()
                .replace("\"bucket\":{\"name\":\"handbook-docs\"},", "");
        MalformedEventException m = assertThrows(
                MalformedEventException.class,
                () -> S3EventMapping.fromEventBridge(dev.abi.adapters.EventJson.parse(broken, "event")));
        assertEquals("detail.bucket", m.field());
    }
}
