package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.testing.SharedFixtures;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prompt path allocates per prompt token only what scales with the model's width (the activations of a pass and
 * their quantized copies), nothing per weight row: the bytes the calling thread allocates (one inference thread) for
 * a 64-token prefill beyond a 32-token one on stories260K, once warm. Allocation counts do not depend on the machine's speed.
 */
class PrefillAllocationTest {

    static final Path MODELS = SharedFixtures.path("models", "stories260K");

    /**
     * Bytes per prompt token allowed once compiled: 19.3 KB were measured on every file at 512 and 256 bits (a
     * pass's activations and their Q8_0 copies). The four-token kernels' arrays of four built for every weight row
     * gave 82-104 KB, and their accumulators boxed at the 512-bit row sums 318-340 KB.
     */
    static final long BOUND = 48 * 1024;

    static final int TOKENS = 64;

    @ParameterizedTest
    @ValueSource(strings = {"stories260K-Q8_0.gguf", "stories260K-Q4_0.gguf"})
    void promptTokensAllocateNothingPerWeightRow(String file) {
        Path path = MODELS.resolve(file);
        Assumptions.assumeTrue(
                Files.exists(path), "skipped: " + path.toAbsolutePath().normalize() + " is absent (../shared/models)");
        boolean supported = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported();
        Assumptions.assumeTrue(supported, "skipped: this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemoryEnabled()) {
            mx.setThreadAllocatedMemoryEnabled(true);
        }
        int[] prompt = new int[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            prompt[i] = 1 + (i * 37) % 500;
        }
        int[] half = java.util.Arrays.copyOf(prompt, TOKENS / 2);
        try (RowExecutor one = RowExecutor.of(1);
                LlamaModel m = LlamaModel.builder(path).executor(one).load()) {
            // per prompt token as the difference of a 64- and a 32-token prompt, so what a prompt costs once (the
            // output row's product, whose kernel a loop of prompts alone leaves cold, in the interpreter's allocating
            // fallbacks) cancels. Compiled code allocates far less than the interpreter: measure until the figure is
            // down, a bounded number of times; a figure counts once two rounds in a row agree on it (a compilation
            // finishing within a round can make its longer prompt cost less than its shorter one)
            long perToken = Long.MAX_VALUE;
            long previous = -1;
            for (int i = 0; i < 1000 && perToken > BOUND; i++) {
                long now = (allocated(mx, m, prompt) - allocated(mx, m, half)) / (TOKENS - half.length);
                if (now >= 0 && previous >= 0) {
                    perToken = Math.min(perToken, Math.max(now, previous));
                }
                previous = now;
            }
            System.out.println(file + ": " + perToken + " bytes per prompt token (kernels "
                    + InferenceKernelsProvider.get().name() + ")");
            assertTrue(
                    perToken <= BOUND,
                    file + ": " + perToken + " bytes allocated per prompt token, more than " + BOUND
                            + ": something allocates per weight row (a boxed vector, an array per row)");
        }
    }

    private static long allocated(com.sun.management.ThreadMXBean mx, LlamaModel m, int[] prompt) {
        long tid = Thread.currentThread().threadId();
        LlamaSession s = m.newSession();
        long before = mx.getThreadAllocatedBytes(tid);
        s.prefill(prompt);
        return mx.getThreadAllocatedBytes(tid) - before;
    }
}
