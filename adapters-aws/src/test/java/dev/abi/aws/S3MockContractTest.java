package dev.abi.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.ModelCheck;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreContract;
import dev.abi.testing.ServerProcess;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The second opinion on S3: the same contract suite and the model check against Adobe S3Mock 5.2.0, started from
 * its executable jar as a child JVM (its Spring Boot classpath stays out of this one) and stopped with
 * {@code destroyForcibly}.
 */
class S3MockContractTest extends ObjectStoreContract {

    private static final String BUCKET = "abi-s3mock";
    private static Process process;
    private static S3Client s3;

    @BeforeAll
    static void startS3Mock() throws Exception {
        Path jar = Path.of("target", "s3mock", "s3mock-exec.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is copied by the build (process-test-resources)");
        int httpPort = ServerProcess.freePort();
        int httpsPort = ServerProcess.freePort();
        Path log = Path.of("target", "s3mock", "s3mock.log");
        process = new ProcessBuilder(List.of(
                        ServerProcess.javaLauncher(),
                        "-Xmx512m",
                        "-jar",
                        jar.toString(),
                        "--com.adobe.testing.s3mock.http-port=" + httpPort,
                        "--server.port=" + httpsPort,
                        "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
                        "--spring.main.banner-mode=off"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", httpPort)) {
                break;
            } catch (IOException notYet) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("S3Mock did not start; see " + log.toAbsolutePath());
                }
                Thread.sleep(100);
            }
        }
        s3 = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + httpPort))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "any")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopS3Mock() {
        if (s3 != null) {
            s3.close();
        }
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Override
    protected ObjectStore store() {
        return new S3ObjectStore(s3, BUCKET, "tenant-a");
    }

    /**
     * Emulator gap, not a store bug: S3Mock 5.2.0 evaluates {@code If-None-Match: *} without excluding concurrent
     * writers, so creates racing for one key can several win (a probe saw 35 winners over 20 keys, 8 racers each;
     * this test saw 2 for one key). S3 evaluates the condition atomically; S3Proxy and Azurite pass this test.
     */
    @Override
    @org.junit.jupiter.api.Disabled("S3Mock 5.2.0: racing If-None-Match: * creates can several win; see Javadoc")
    protected void racingCreatesHaveExactlyOneWinner() {}

    /** Emulator gap: S3Mock 5.2.0 also evaluates {@code If-Match} non-atomically (this test saw 18 of 20). */
    @Override
    @org.junit.jupiter.api.Disabled("S3Mock 5.2.0 evaluates If-Match non-atomically under concurrency; see Javadoc")
    protected void compareAndSwapLosesNoIncrement() {}

    @Test
    void s3MockAnswersBothConditionsWith412() {
        s3.putObject(b -> b.bucket(BUCKET).key("raw/once"), RequestBody.fromString("1"));
        S3Exception create = assertThrows(
                S3Exception.class,
                () -> s3.putObject(
                        b -> b.bucket(BUCKET).key("raw/once").ifNoneMatch("*"), RequestBody.fromString("2")));
        assertEquals(412, create.statusCode());
        String first = s3.putObject(b -> b.bucket(BUCKET).key("raw/cas"), RequestBody.fromString("1"))
                .eTag();
        s3.putObject(b -> b.bucket(BUCKET).key("raw/cas").ifMatch(first), RequestBody.fromString("2"));
        S3Exception swap = assertThrows(
                S3Exception.class,
                () -> s3.putObject(b -> b.bucket(BUCKET).key("raw/cas").ifMatch(first), RequestBody.fromString("3")));
        assertEquals(412, swap.statusCode());
    }

    /**
     * The backstop behind GC (docs/runbooks/restore.md): with bucket versioning on, an overwritten or deleted object
     * keeps its old versions, readable by version id.
     */
    @Test
    void bucketVersioningKeepsOverwrittenAndDeletedObjects() {
        String bucket = "abi-versioned";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        String v1 = s3.putObject(b -> b.bucket(bucket).key("ns/x/lease.json"), RequestBody.fromString("one"))
                .versionId();
        s3.putObject(b -> b.bucket(bucket).key("ns/x/lease.json"), RequestBody.fromString("two"));
        s3.deleteObject(b -> b.bucket(bucket).key("ns/x/lease.json"));
        var versions = s3.listObjectVersions(b -> b.bucket(bucket).prefix("ns/x/"));
        assertEquals(2, versions.versions().size(), versions.toString());
        assertEquals(1, versions.deleteMarkers().size(), versions.toString());
        assertEquals(
                "one",
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("ns/x/lease.json").versionId(v1))
                        .asUtf8String());
    }

    @Test
    void modelCheckOnS3Mock() throws Exception {
        // Interleaved on one thread: S3Mock's conditional writes are not atomic under races (see the Javadoc above).
        ModelCheck.Report r = ModelCheck.run(
                new S3ObjectStore(s3, BUCKET, "model"),
                o -> new dev.abi.store.ObjectMetadataStore(o, Clock.systemUTC()),
                505,
                3,
                12,
                false);
        System.out.println("S3Mock model check: " + r);
        assertTrue(r.acknowledged() > 0 && r.statesChecked() > 0, r.toString());
    }
}
