package dev.abi.gcp.gpu;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.gateway.GpuCredentials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Google package, with {@code abi.gpu.url} set, hands the GPU routing a Google identity token for the service's
 * URL in place of {@code CoreBeans}' default (no credential). Nothing is fetched at start: the first routed request
 * asks the metadata server.
 */
@QuarkusTest
@TestProfile(GcpGpuWiringTest.GpuUrlSet.class)
class GcpGpuWiringTest {

    /** A GPU service URL with a path: the audience is its origin. */
    public static class GpuUrlSet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("abi.gpu.url", "https://abi-gpu-xyz.a.run.app/");
        }
    }

    @Inject
    GpuCredentials credentials;

    @Test
    void aGoogleIdentityTokenForTheServicesUrlIsWired() {
        GoogleIdentityToken token = assertInstanceOf(GoogleIdentityToken.class, credentials);
        assertTrue(token.toString().contains("audience=https://abi-gpu-xyz.a.run.app,"), token.toString());
    }
}
