package dev.abi.telemetry;

/**
 * Tokens run through a model and the time they took, by phase ({@code prompt}: the prefill; {@code generation}: the
 * sampled tokens), so that tokens/s is {@code rate(abi_inference_tokens_total) / rate(abi_inference_seconds_sum)}
 * per phase. Reported to the process's {@link Telemetry#metrics()}.
 */
public final class InferenceMetrics {

    private InferenceMetrics() {}

    /** The prompt of {@code tokens} tokens was read, starting at {@code startNanos} ({@link System#nanoTime()}). */
    public static void prompt(int tokens, long startNanos) {
        report("prompt", tokens, startNanos);
    }

    /** {@code tokens} tokens were generated since {@code startNanos}. */
    public static void generation(int tokens, long startNanos) {
        report("generation", tokens, startNanos);
    }

    private static void report(String phase, int tokens, long startNanos) {
        Metrics metrics = Telemetry.metrics();
        metrics.record(MetricNames.INFERENCE, Telemetry.since(startNanos), "phase", phase);
        metrics.count(MetricNames.INFERENCE_TOKENS, tokens, "phase", phase);
    }
}
