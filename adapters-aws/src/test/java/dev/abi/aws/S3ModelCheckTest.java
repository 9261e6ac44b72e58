package dev.abi.aws;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.ModelCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The storage model check of DESIGN-STORAGE.md (writers, a restorer and an indexer through seeded faults), run on
 * the real S3 code path: {@link S3ObjectStore} and the AWS SDK against S3Proxy 4.1.0. A few seeds; the in-memory
 * store runs many more in core.
 */
class S3ModelCheckTest {

    private static final String BUCKET = "abi-model";
    private static S3ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = new S3ProxyServer(BUCKET);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {101, 202, 303})
    void modelCheckOnS3(long seed) throws Exception {
        ModelCheck.Report r = ModelCheck.run(new S3ObjectStore(proxy.client(), BUCKET, "seed-" + seed), seed, 3, 12);
        System.out.println("S3Proxy model check seed " + seed + ": " + r);
        assertTrue(r.acknowledged() > 0 && r.statesChecked() > 0, r.toString());
    }
}
