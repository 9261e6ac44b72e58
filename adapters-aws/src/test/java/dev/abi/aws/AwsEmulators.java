package dev.abi.aws;

import dev.abi.testing.SharedFixtures;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * A test profile with the cloud's real code paths on emulators: state and source buckets in S3Proxy, leases, head
 * hints and idempotency records in DynamoDB Local, and the real MiniLM embedding model from {@code ../shared}.
 */
public class AwsEmulators implements QuarkusTestProfile {

    /** The bucket files land in. */
    static final String SOURCE_BUCKET = "handbook-docs";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Servers.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "abi.models-dir",
                SharedFixtures.path("models", "all-MiniLM-L6-v2").toString(),
                "abi.embedding.model",
                "all-MiniLM-L6-v2-Q8_0");
    }

    /** Starts S3Proxy and DynamoDB Local for the profile's lifetime. */
    public static class Servers implements QuarkusTestResourceLifecycleManager {
        private S3ProxyServer s3;
        private DynamoDbLocalServer dynamo;

        @Override
        public Map<String, String> start() {
            try {
                s3 = new S3ProxyServer("abi-state");
                s3.client().createBucket(b -> b.bucket(SOURCE_BUCKET));
                dynamo = new DynamoDbLocalServer();
            } catch (Exception e) {
                throw new IllegalStateException("emulators did not start", e);
            }
            // the default credentials chain of the SDK clients reads these
            System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
            return Map.of(
                    "abi.store.kind", "s3",
                    "abi.store.bucket", "abi-state",
                    "abi.store.endpoint", s3.endpoint().toString(),
                    "abi.store.region", "us-east-1",
                    "abi.metadata.kind", "dynamodb",
                    "abi.metadata.table", "abi-e2e",
                    "abi.metadata.endpoint", dynamo.endpoint().toString(),
                    "abi.metadata.create-table", "true");
        }

        @Override
        public void stop() {
            try {
                if (dynamo != null) {
                    dynamo.close();
                }
                if (s3 != null) {
                    s3.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
