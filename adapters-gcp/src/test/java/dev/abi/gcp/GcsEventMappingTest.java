package dev.abi.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.abi.adapters.CanonicalCloudEvents;
import dev.abi.adapters.MalformedEventException;
import dev.abi.events.ObjectCreated;
import dev.abi.gcp.triggers.GcsEventMapping;
import org.junit.jupiter.api.Test;

class GcsEventMappingTest {

    @Test
    void aPubSubNotificationCarriesTheObjectResource() {
        ObjectCreated c = (ObjectCreated) CanonicalCloudEvents.toCore(
                GcsEventMapping.canonical(GcpFixtures.event("pubsub/marathon-finalize.json")));
        assertEquals("handbook/marathon.md", c.key());
        assertEquals(855, c.size(), "GCS sends sizes as strings");
        assertEquals("1732443331547600", c.version(), "the generation tells writes apart");
        assertEquals("CMjV9bGjycICEAE=", c.etag());
    }

    @Test
    void metadataUpdatesAreIgnoredAndForeignMessagesRefusedNamingTheField() {
        assertNull(GcsEventMapping.canonical(GcpFixtures.event("storage/metadata-updated.json")));
        MalformedEventException e = assertThrows(
                MalformedEventException.class,
                () -> GcsEventMapping.canonical(GcpFixtures.event("pubsub/not-a-storage-notification.json")));
        assertEquals("data.message.attributes", e.field());
    }
}
