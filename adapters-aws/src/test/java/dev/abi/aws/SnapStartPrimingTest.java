package dev.abi.aws;

import static dev.abi.aws.MockLambda.fixture;
import static dev.abi.aws.MockLambda.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.testing.SharedFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart hook primes what a first request would otherwise pay for: it is registered with the CRaC context at
 * startup, and before a checkpoint it runs gateway requests, opens and searches the namespaces, and runs the model.
 */
@QuarkusTest
@TestProfile(AwsEmulators.class)
class SnapStartPrimingTest {

    @Inject
    SnapStartPriming hook;

    @Test
    void beforeCheckpointPrimesNamespacesAndTheModel() {
        Path model = SharedFixtures.path("models", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-Q8_0.gguf");
        Assumptions.assumeTrue(
                Files.exists(model), "skipped: " + model.toAbsolutePath().normalize() + " is absent");
        assertEquals(
                200,
                invoke(fixture("apigw-http-v2/upsert.json")).path("statusCode").asInt());

        hook.beforeCheckpoint(null);

        assertTrue(hook.lastReport().requests() >= 6, hook.lastReport().toString());
        assertTrue(
                hook.lastReport().namespaces().contains("lambda-docs"),
                hook.lastReport().toString());
        assertEquals("all-MiniLM-L6-v2-Q8_0", hook.lastReport().model());
        hook.afterRestore(null);
    }
}
