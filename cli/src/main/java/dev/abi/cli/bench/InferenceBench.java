package dev.abi.cli.bench;

import dev.abi.cli.CliException;
import dev.abi.cli.UsageException;
import dev.abi.inference.LlamaModel;
import dev.abi.inference.LlamaSession;
import dev.abi.inference.ModelFormatException;
import dev.abi.inference.UnsupportedModelException;
import dev.abi.inference.WeightMatrix;
import dev.abi.inference.WrongModelKindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code abi bench inference -m FILE.gguf}: prompt processing ({@code ppN}: one batched prefill of N seeded random
 * tokens) and generation ({@code tgN}: N greedy steps) tokens per second, each repeated and given as mean and sample
 * standard deviation, in the row shape of llama-bench.
 */
@Command(
        name = "inference",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Prompt (ppN) and generation (tgN) tokens/s of a GGUF Llama-family model, mean ± std.")
final class InferenceBench implements Callable<Integer> {

    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "FILE.gguf",
            description = "The model.")
    Path model;

    @Option(
            names = {"-p", "--n-prompt"},
            defaultValue = "64",
            showDefaultValue = Visibility.ALWAYS,
            description = "Prompt tokens (0: no pp test).")
    int prompt;

    @Option(
            names = {"-n", "--n-gen"},
            defaultValue = "32",
            showDefaultValue = Visibility.ALWAYS,
            description = "Generated tokens (0: no tg test).")
    int generate;

    @Option(
            names = {"-r", "--repetitions"},
            defaultValue = "5",
            showDefaultValue = Visibility.ALWAYS,
            description = "Repetitions of each test.")
    int repetitions;

    @Option(
            names = {"-t", "--threads"},
            description = "Threads of the matrix kernels (default: all cores).")
    Integer threads;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "md",
            showDefaultValue = Visibility.ALWAYS,
            description = "${COMPLETION-CANDIDATES}.")
    Table.Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(model)) {
            throw new UsageException("--model: no such file: " + model);
        }
        if (prompt < 0 || generate < 0 || prompt + generate == 0) {
            throw new UsageException("-p and -n must not be negative, and not both 0");
        }
        if (repetitions < 1) {
            throw new UsageException("--repetitions must be at least 1, got " + repetitions);
        }
        if (threads != null) {
            if (threads < 1) {
                throw new UsageException("--threads must be at least 1, got " + threads);
            }
            WeightMatrix.useThreads(threads);
        }
        Table table = new Table(List.of("model", "size MiB", "threads", "test", "t/s", "std"));
        try (LlamaModel m = LlamaModel.load(model)) {
            int context = m.config().contextLength();
            if (prompt + generate + 1 > context) {
                throw new UsageException("-p " + prompt + " plus -n " + generate + " exceeds the model's context of "
                        + context + " tokens");
            }
            int vocab = m.config().vocabSize();
            double[] pp = new double[repetitions];
            double[] tg = new double[repetitions];
            for (int r = 0; r < repetitions; r++) {
                SplittableRandom rnd = new SplittableRandom(r);
                if (prompt > 0) {
                    int[] ids = new int[prompt];
                    for (int i = 0; i < prompt; i++) {
                        ids[i] = rnd.nextInt(vocab);
                    }
                    LlamaSession s = m.newSession();
                    long t0 = System.nanoTime();
                    s.prefill(ids);
                    pp[r] = prompt / ((System.nanoTime() - t0) / 1e9);
                }
                if (generate > 0) {
                    LlamaSession s = m.newSession();
                    int token = rnd.nextInt(vocab);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < generate; i++) {
                        token = argmax(s.forward(token));
                    }
                    tg[r] = generate / ((System.nanoTime() - t0) / 1e9);
                }
            }
            String name = model.getFileName().toString();
            double mib = model.toFile().length() / (1024.0 * 1024.0);
            String t = threads == null ? "all" : threads.toString();
            if (prompt > 0) {
                Stats s = Stats.of(pp);
                table.add(name, mib, t, "pp" + prompt, s.mean(), s.std());
            }
            if (generate > 0) {
                Stats s = Stats.of(tg);
                table.add(name, mib, t, "tg" + generate, s.mean(), s.std());
            }
        } catch (ModelFormatException | UnsupportedModelException | WrongModelKindException e) {
            throw new CliException(e.getMessage());
        }
        spec.commandLine().getOut().print(table.render(format));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
