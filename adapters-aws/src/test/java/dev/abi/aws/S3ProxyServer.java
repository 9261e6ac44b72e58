package dev.abi.aws;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3Proxy 4.1.0 on its transient (in-memory) backend, in this JVM, with one bucket and SigV4 credentials. */
public final class S3ProxyServer implements AutoCloseable {

    static final String ACCESS_KEY = "testaccess"; // letters and digits only: DynamoDB Local 2.x rejects others
    static final String SECRET_KEY = "testsecret";

    private final S3Proxy proxy;
    private final S3Client client;

    public S3ProxyServer(String bucket) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long hangGuard = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // never waited on: only stops a hang
        while (!proxy.getState().equals("STARTED")) {
            if (System.nanoTime() - hangGuard > 0) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        client = newClient();
        client.createBucket(b -> b.bucket(bucket));
    }

    /**
     * A client of its own, without SDK retries: for raw conditional requests, where a retried PUT whose first
     * attempt applied would report 412 and hide what the server answered.
     */
    public S3Client rawClient() {
        return builder()
                .overrideConfiguration(
                        o -> o.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry()))
                .build();
    }

    /** A client whose every request and response also pass through {@code interceptor} (to count what came over). */
    public S3Client client(software.amazon.awssdk.core.interceptor.ExecutionInterceptor interceptor) {
        return builder()
                .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor))
                .build();
    }

    private S3Client newClient() {
        return builder().build();
    }

    private software.amazon.awssdk.services.s3.S3ClientBuilder builder() {
        return S3StoreFactory.configure(S3Client.builder())
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public S3Client client() {
        return client;
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
    }
}
