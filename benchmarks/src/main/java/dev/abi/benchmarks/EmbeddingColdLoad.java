package dev.abi.benchmarks;

import dev.abi.inference.BertModel;
import java.nio.file.Path;
import java.util.List;

/**
 * Cold load of an embedding model in a fresh JVM: the time to load it, to its first embedding (which packs the
 * weight panels and runs the kernels before the JIT has compiled them), and of a second embedding. Run it as the
 * first thing a JVM does: {@code benchmarks/scripts/run.sh EmbeddingColdLoad <model.gguf>}, once per figure.
 */
public final class EmbeddingColdLoad {

    private EmbeddingColdLoad() {}

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        try (BertModel model = BertModel.load(Path.of(args[0]))) {
            long t1 = System.nanoTime();
            model.embed(List.of("How do I restore my data after a migration went wrong?"));
            long t2 = System.nanoTime();
            model.embed(List.of("How often should I feed my sourdough starter?"));
            long t3 = System.nanoTime();
            System.out.printf(
                    "| %.0f | %.0f | %.0f | %.1f |%n",
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t2 - t0) / 1e6, (t3 - t2) / 1e6);
        }
    }
}
