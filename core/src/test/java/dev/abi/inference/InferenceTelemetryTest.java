package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.abi.telemetry.InMemoryMetrics;
import dev.abi.telemetry.RequestContext;
import dev.abi.telemetry.Telemetry;
import dev.abi.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A model load and the tokens of one generation, as the process's metrics see them (stories260K, shared). */
class InferenceTelemetryTest {

    private static final Path MODEL =
            SharedFixtures.path("models", "stories260K").resolve("stories260K-Q8_0.gguf");

    @Test
    void aLoadIsTimedOnceAndPromptAndGenerationTokensAreCounted() {
        Assumptions.assumeTrue(
                Files.exists(MODEL),
                "skipped: " + MODEL.toAbsolutePath().normalize() + " is absent (../shared/models)");
        InMemoryMetrics metrics = new InMemoryMetrics();
        try (RequestContext.Scope ignored = Telemetry.install(metrics, null)) {
            ModelRegistry registry = new ModelRegistry(Map.of("stories", MODEL));
            ModelRegistry.Loaded loaded = registry.get("stories");
            registry.get("stories");
            Generator.Result result = new Generator(loaded.model())
                    .generate(new int[] {1, 403, 407}, SamplingParams.GREEDY.withMaxTokens(7), piece -> {});
            assertEquals(3, result.promptTokens());
            assertEquals(1, metrics.timerCount("abi.model.loads", "kind", "generation"), metrics.describe());
            assertEquals(3, metrics.counter("abi.inference.tokens", "phase", "prompt"), metrics.describe());
            assertEquals(
                    result.completionTokens(),
                    metrics.counter("abi.inference.tokens", "phase", "generation"),
                    metrics.describe());
            assertEquals(1, metrics.timerCount("abi.inference", "phase", "generation"), metrics.describe());
            registry.close();
        }
    }
}
