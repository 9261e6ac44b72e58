package dev.abi.azure;

import static dev.abi.azure.AzureEventContractTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.abi.adapters.CanonicalCloudEvents;
import dev.abi.adapters.MalformedEventException;
import dev.abi.azure.triggers.BlobEventMapping;
import dev.abi.events.ObjectCreated;
import org.junit.jupiter.api.Test;

class BlobEventMappingTest {

    @Test
    void aBlobCreatedEventNamesContainerBlobEtagAndSequencer() throws Exception {
        ObjectCreated c = (ObjectCreated) CanonicalCloudEvents.toCore(
                BlobEventMapping.canonical(BlobEventMapping.providerEvent(fixture("eventgrid/e2e-created.json"))));
        assertEquals("handbook-docs", c.bucket());
        assertEquals("handbook/Sourdough starter+feeding é.md", c.key(), "the subject carries the name as it is");
        assertEquals("0x8DCF1A2B3C4D5E6", c.etag());
        assertEquals("00000000000000000000000000005d2e00000000002ef52d", c.version());
        assertEquals(909, c.size());
    }

    @Test
    void otherBlobEventsAreIgnoredAndMalformedOnesNameTheField() throws Exception {
        assertNull(BlobEventMapping.canonical(
                BlobEventMapping.providerEvent(fixture("eventgrid/blob-tier-changed.json"))));
        assertEquals(
                "subject",
                assertThrows(
                                MalformedEventException.class,
                                () -> BlobEventMapping.canonical(
                                        BlobEventMapping.providerEvent(fixture("eventgrid/malformed-subject.json"))))
                        .field());
        assertEquals(
                "event",
                assertThrows(
                                MalformedEventException.class,
                                () -> BlobEventMapping.providerEvent("{\"specversion\":\"1.0\","))
                        .field());
        assertEquals(
                "event",
                assertThrows(MalformedEventException.class, () -> BlobEventMapping.providerEvent(""))
                        .field());
    }
}
