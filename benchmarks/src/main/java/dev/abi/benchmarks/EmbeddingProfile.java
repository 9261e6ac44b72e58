package dev.abi.benchmarks;

import dev.abi.inference.BertModel;
import dev.abi.inference.WeightMatrix;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where one sentence's embedding spends its time: one short sentence embedded over and over on one thread, warmed
 * up, under a JFR recording of {@code jdk.ExecutionSample} every millisecond; each sample is charged to the innermost
 * frame in {@link BertModel} (the stage: its method and source line, printed with the line's text) and to its top
 * frame (the kernel). Prints both tables with the share of samples and the CPU milliseconds per sentence that share
 * stands for, the bytes the thread allocates per sentence and the GC pauses of the recording.
 *
 * <p>Usage: {@code EmbeddingProfile [models=all-MiniLM-L6-v2:F32,all-MiniLM-L6-v2:Q8_0] [seconds=20]
 * [sentence="The quick brown fox jumps over the lazy dog."]}, from the repository root, with the benchmarks module's
 * classpath and {@code --add-modules jdk.incubator.vector}.
 */
public final class EmbeddingProfile {

    /** BertModel's source, to print each stage's line (the system property names another copy: an older build). */
    private static final Path SOURCE =
            Path.of(System.getProperty("profile.source", "core/src/main/java/dev/abi/inference/BertModel.java"));

    private EmbeddingProfile() {}

    public static void main(String[] args) throws Exception {
        List<String> keys = List.of(
                arg(args, 0, "all-MiniLM-L6-v2:F32,all-MiniLM-L6-v2:Q8_0").split(","));
        double seconds = Double.parseDouble(arg(args, 1, "20"));
        String sentence = arg(args, 2, "The quick brown fox jumps over the lazy dog.");
        List<String> source = Files.exists(SOURCE) ? Files.readAllLines(SOURCE) : List.of();
        Path dir = Path.of("benchmarks", "target", "embedding-models");
        Files.createDirectories(dir);
        WeightMatrix.useThreads(1);
        for (EmbeddingBenchmark.Model model : EmbeddingBenchmark.models()) {
            if (!keys.contains(model.key())) {
                continue;
            }
            Path file = EmbeddingBenchmark.convert(dir, model);
            try (BertModel m = BertModel.load(file)) {
                List<int[]> one = List.of(m.tokenize(sentence));
                profile(model.key(), m, one, seconds, source);
            }
        }
    }

    private static void profile(String key, BertModel m, List<int[]> one, double seconds, List<String> source)
            throws Exception {
        for (int i = 0; i < 3000; i++) {
            m.embedTokens(one);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        Path jfr = Files.createTempFile("embedding-profile", ".jfr");
        int done = 0;
        long cpu;
        long bytes;
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
            r.enable("jdk.GarbageCollection");
            r.start();
            long c0 = mx.getCurrentThreadCpuTime();
            long b0 = mx.getThreadAllocatedBytes(tid);
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < seconds * 1e9) {
                m.embedTokens(one);
                done++;
            }
            cpu = mx.getCurrentThreadCpuTime() - c0;
            bytes = mx.getThreadAllocatedBytes(tid) - b0;
            r.stop();
            r.dump(jfr);
        }
        double cpuMs = cpu / 1e6 / done;
        Map<String, Integer> byStage = new HashMap<>();
        Map<String, Integer> byLeaf = new HashMap<>();
        int samples = 0;
        int gcs = 0;
        double gcMs = 0;
        String thread = Thread.currentThread().getName();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (e.getEventType().getName().equals("jdk.GarbageCollection")) {
                gcs++;
                gcMs += e.getDuration().toNanos() / 1e6;
                continue;
            }
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            if (!thread.equals(e.getThread("sampledThread").getJavaName())) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            RecordedFrame top = frames.get(0);
            byLeaf.merge(name(top), 1, Integer::sum);
            String stage = "(outside BertModel)";
            for (RecordedFrame f : frames) {
                if (f.getMethod().getType().getName().startsWith("dev.abi.inference.BertModel")) {
                    int line = f.getLineNumber();
                    String text = line > 0 && line <= source.size()
                            ? source.get(line - 1).strip()
                            : "";
                    stage = name(f) + ":" + line + "  " + text;
                    break;
                }
            }
            byStage.merge(stage, 1, Integer::sum);
        }
        Files.deleteIfExists(jfr);
        System.out.printf(
                Locale.ROOT,
                "%n## %s, %d tokens: %.3f ms CPU per sentence (%d sentences), %.0f bytes allocated per sentence,"
                        + " %d GCs (%.1f ms), %d samples; load %s%n",
                key,
                one.get(0).length,
                cpuMs,
                done,
                (double) bytes / done,
                gcs,
                gcMs,
                samples,
                load());
        print("stage (innermost BertModel frame, line)", byStage, samples, cpuMs);
        print("top frame", byLeaf, samples, cpuMs);
    }

    private static void print(String title, Map<String, Integer> counts, int samples, double cpuMs) {
        System.out.printf("%n| %s | samples | share | CPU ms per sentence |%n|---|---:|---:|---:|%n", title);
        List<Map.Entry<String, Integer>> rows = new ArrayList<>(counts.entrySet());
        rows.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
        for (Map.Entry<String, Integer> row : rows) {
            double share = (double) row.getValue() / samples;
            if (share < 0.003) {
                continue;
            }
            System.out.printf(
                    Locale.ROOT,
                    "| `%s` | %d | %.1f%% | %.3f |%n",
                    row.getKey().replace("|", "\\|"),
                    row.getValue(),
                    100 * share,
                    share * cpuMs);
        }
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static String load() {
        return String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String arg(String[] args, int i, String dflt) {
        return args.length > i ? args[i] : dflt;
    }
}
