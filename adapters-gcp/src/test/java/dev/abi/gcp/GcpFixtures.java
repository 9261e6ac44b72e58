package dev.abi.gcp;

import dev.abi.adapters.CanonicalCloudEvents;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Google Cloud fixtures under {@code src/test/resources/events/gcp/}. */
final class GcpFixtures {

    private GcpFixtures() {}

    static String text(String path) {
        try (InputStream in = GcpFixtures.class.getResourceAsStream("/events/gcp/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/gcp/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A structured-mode fixture as the CloudEvent the Functions Framework hands the function. */
    static CloudEvent event(String path) {
        return CanonicalCloudEvents.fromJson(text(path).getBytes(StandardCharsets.UTF_8));
    }
}
