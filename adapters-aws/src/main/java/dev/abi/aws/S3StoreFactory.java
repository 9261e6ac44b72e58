package dev.abi.aws;

import dev.abi.functions.AbiConfig;
import dev.abi.functions.ObjectStoreFactory;
import dev.abi.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** {@code abi.store.kind=s3}: state in {@code abi.store.bucket}, source buckets read with the same client. */
@ApplicationScoped
public class S3StoreFactory implements ObjectStoreFactory {

    private volatile S3Client client;

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public ObjectStore create(AbiConfig config) {
        String bucket = config.store()
                .bucket()
                .orElseThrow(() -> new IllegalStateException("abi.store.kind=s3 needs abi.store.bucket"));
        return new S3ObjectStore(client(config), bucket, "");
    }

    @Override
    public ObjectStore forBucket(AbiConfig config, String bucket) {
        return new S3ObjectStore(client(config), bucket, "");
    }

    private S3Client client(AbiConfig config) {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    client = newClient(
                            config.store().endpoint().map(URI::create).orElse(null),
                            config.store().region().map(Region::of).orElse(null));
                }
            }
        }
        return client;
    }

    /** A client on the URL-connection HTTP stack (small and fast to start in Lambda). */
    public static S3Client newClient(URI endpoint, Region region) {
        S3ClientBuilder b = configure(S3Client.builder());
        if (endpoint != null) {
            b.endpointOverride(endpoint).forcePathStyle(true);
        }
        if (region != null) {
            b.region(region);
        }
        return b.build();
    }

    /**
     * The settings every client of ours uses. {@code Expect: 100-continue} only above 1 MiB: the JDK's URL
     * connection treats a final status in place of 100 as a protocol error, so a conditional PUT that loses its
     * race (412) could surface as a transport failure instead of the precondition answer the commit log needs.
     */
    public static S3ClientBuilder configure(S3ClientBuilder builder) {
        return builder.httpClient(UrlConnectionHttpClient.create())
                .serviceConfiguration(S3Configuration.builder()
                        .expectContinueThresholdInBytes(1L << 20)
                        .build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
}
