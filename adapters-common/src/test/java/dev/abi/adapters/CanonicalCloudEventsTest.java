package dev.abi.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.events.ObjectCreated;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CanonicalCloudEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theGoldenFilesAreWhatTheMappingWrites() throws Exception {
        assertEquals(
                ObjectEventContract.golden("contract/created.json"),
                JSON.readTree(CanonicalCloudEvents.toJson(CanonicalCloudEvents.of(ObjectEventContract.CREATED))));
        assertEquals(
                ObjectEventContract.golden("contract/removed.json"),
                JSON.readTree(CanonicalCloudEvents.toJson(CanonicalCloudEvents.of(ObjectEventContract.REMOVED))));
    }

    @Test
    void structuredJsonRoundTripsToTheSameCoreEvent() {
        CloudEvent e = CanonicalCloudEvents.of(ObjectEventContract.CREATED);
        CloudEvent back = CanonicalCloudEvents.fromJson(CanonicalCloudEvents.toJson(e));
        assertEquals(ObjectEventContract.CREATED, CanonicalCloudEvents.toCore(back));
        assertEquals(
                ObjectEventContract.REMOVED,
                CanonicalCloudEvents.toCore(CanonicalCloudEvents.of(ObjectEventContract.REMOVED)));
    }

    @Test
    void aRedeliveryHasTheSameIdAndANewVersionAnother() {
        ObjectCreated c = ObjectEventContract.CREATED;
        CloudEvent later = CanonicalCloudEvents.of(new ObjectCreated(
                c.bucket(), c.key(), c.etag(), c.version(), c.size(), c.time().plusSeconds(5)));
        assertEquals(CanonicalCloudEvents.of(c).getId(), later.getId(), "same write, same id");
        CloudEvent next = CanonicalCloudEvents.of(
                new ObjectCreated(c.bucket(), c.key(), c.etag(), "1700000000000009", c.size(), c.time()));
        assertNotEquals(CanonicalCloudEvents.of(c).getId(), next.getId());
    }

    @Test
    void malformedEventsNameTheField() {
        CloudEvent foreign = CloudEventBuilder.v1()
                .withId("1")
                .withSource(URI.create("/x"))
                .withType("com.example.other")
                .withData("application/json", "{\"bucket\":\"b\",\"key\":\"k\"}".getBytes(StandardCharsets.UTF_8))
                .withTime(Instant.EPOCH.atOffset(ZoneOffset.UTC))
                .build();
        assertEquals(
                "type",
                assertThrows(MalformedEventException.class, () -> CanonicalCloudEvents.toCore(foreign))
                        .field());
        CloudEvent noKey = CloudEventBuilder.v1(foreign)
                .withType(CanonicalCloudEvents.CREATED)
                .withData("application/json", "{\"bucket\":\"b\"}".getBytes(StandardCharsets.UTF_8))
                .build();
        assertEquals(
                "data",
                assertThrows(MalformedEventException.class, () -> CanonicalCloudEvents.toCore(noKey))
                        .field());
        MalformedEventException notJson = assertThrows(
                MalformedEventException.class,
                () -> CanonicalCloudEvents.fromJson("{\"specversion\":".getBytes(StandardCharsets.UTF_8)));
        assertTrue(notJson.getMessage().startsWith("event:"), notJson.getMessage());
    }
}
