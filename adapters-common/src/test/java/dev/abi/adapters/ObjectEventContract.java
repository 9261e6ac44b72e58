package dev.abi.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.events.ObjectCreated;
import dev.abi.events.ObjectRemoved;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cross-cloud contract: one logical event (an object created in, then removed from, bucket
 * {@code handbook-docs}) arrives as each provider sends it, and every adapter must turn it into the same canonical
 * CloudEvent (the golden files {@code contract/created.json} and {@code contract/removed.json}) and the same core
 * call. Each adapter extends this class with its decoding of its own fixtures; the goldens are shared, so the AWS,
 * GCP and Azure runs are compared with one another.
 */
public abstract class ObjectEventContract {

    /** The logical "created" event: a key with a space, a plus and a non-ASCII letter. */
    public static final ObjectCreated CREATED = new ObjectCreated(
            "handbook-docs",
            "handbook/On call+rota é.md",
            "5d41402abc4b2a76b9719d911017c592",
            "1700000000000001",
            1234,
            Instant.parse("2026-11-24T10:15:30.123Z"));

    /** The logical "removed" event of the same object. */
    public static final ObjectRemoved REMOVED = new ObjectRemoved(
            "handbook-docs", "handbook/On call+rota é.md", "1700000000000002", Instant.parse("2026-11-24T10:20:00Z"));

    private static final ObjectMapper JSON = new ObjectMapper();

    /** This adapter's canonical events for its fixture of {@link #CREATED}, decoded the way its trigger does. */
    protected abstract List<CloudEvent> decodeCreated() throws Exception;

    /** This adapter's canonical events for its fixture of {@link #REMOVED}. */
    protected abstract List<CloudEvent> decodeRemoved() throws Exception;

    @Test
    void theCreatedObjectBecomesTheCanonicalEventAndCoreCall() throws Exception {
        List<CloudEvent> events = decodeCreated();
        assertEquals(1, events.size());
        assertEquals(golden("contract/created.json"), JSON.readTree(CanonicalCloudEvents.toJson(events.get(0))));
        assertEquals(CREATED, CanonicalCloudEvents.toCore(events.get(0)));
    }

    @Test
    void theRemovedObjectBecomesTheCanonicalEventAndCoreCall() throws Exception {
        List<CloudEvent> events = decodeRemoved();
        assertEquals(1, events.size());
        assertEquals(golden("contract/removed.json"), JSON.readTree(CanonicalCloudEvents.toJson(events.get(0))));
        assertEquals(REMOVED, CanonicalCloudEvents.toCore(events.get(0)));
    }

    /** A golden canonical event, from this module's test resources. */
    public static JsonNode golden(String resource) throws IOException {
        try (InputStream in = ObjectEventContract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            return JSON.readTree(in);
        }
    }
}
