package dev.abi.azure;

import dev.abi.testing.SharedFixtures;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Azure's code paths on Azurite: state and source containers in Blob Storage, and the real MiniLM model. */
public class AzuriteProfile implements QuarkusTestProfile {

    static final String SOURCE_CONTAINER = "handbook-docs";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Server.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "abi.models-dir",
                SharedFixtures.path("models", "all-MiniLM-L6-v2").toString(),
                "abi.embedding.model",
                "all-MiniLM-L6-v2-Q8_0");
    }

    /** Azurite for the profile's lifetime (installed from npm on first use). */
    public static class Server implements QuarkusTestResourceLifecycleManager {
        private AzuriteServer azurite;

        @Override
        public Map<String, String> start() {
            try {
                azurite = new AzuriteServer();
            } catch (Exception e) {
                throw new IllegalStateException("Azurite did not start", e);
            }
            azurite.container("abi-state");
            azurite.container(SOURCE_CONTAINER);
            return Map.of(
                    "abi.store.kind",
                    "azure-blob",
                    "abi.store.bucket",
                    "abi-state",
                    "abi.store.connection-string",
                    azurite.connectionString());
        }

        @Override
        public void stop() {
            if (azurite != null) {
                azurite.close();
            }
        }
    }
}
