package dev.abi.cli.model;

import dev.abi.cli.CliException;
import dev.abi.cli.UsageException;
import dev.abi.inference.GgufFile;
import dev.abi.inference.GgufTensorInfo;
import dev.abi.inference.ModelFormatException;
import java.io.PrintWriter;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code abi gguf inspect FILE}: what a GGUF file holds, without loading its weights. */
@Command(
        name = "gguf",
        mixinStandardHelpOptions = true,
        description = "Inspects GGUF model files.",
        subcommands = GgufCommand.Inspect.class)
public final class GgufCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: inspect");
    }

    /** Metadata, tensor types and shapes, and the chat template. */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = "Prints a GGUF file's metadata, its tensors (type and shape) and its chat template.")
    static final class Inspect implements Callable<Integer> {

        /** Array elements shown before the rest is summarised. */
        static final int ARRAY_PREVIEW = 8;

        @Parameters(paramLabel = "FILE", description = "The .gguf file.")
        Path file;

        @Option(names = "--no-tensors", description = "Leave the tensor list out.")
        boolean noTensors;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new UsageException("FILE: no such file: " + file);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (GgufFile gguf = GgufFile.open(file)) {
                out.printf(
                        "file: %s%nGGUF version: %d, %,d bytes, %d metadata keys, %d tensors%n",
                        file,
                        gguf.version(),
                        gguf.fileSize(),
                        gguf.metadata().size(),
                        gguf.tensors().size());
                out.println();
                out.println("metadata:");
                for (Map.Entry<String, Object> e : gguf.metadata().entrySet()) {
                    if (!e.getKey().equals("tokenizer.chat_template")) {
                        out.println("  " + e.getKey() + " = " + show(e.getValue()));
                    }
                }
                Map<String, Long> byType = new TreeMap<>();
                for (GgufTensorInfo t : gguf.tensors().values()) {
                    byType.merge(t.type().toString(), 1L, Long::sum);
                }
                out.println();
                out.println("tensor types: "
                        + byType.entrySet().stream()
                                .map(e -> e.getKey() + " x" + e.getValue())
                                .collect(Collectors.joining(", ")));
                if (!noTensors) {
                    out.println("tensors:");
                    for (GgufTensorInfo t : gguf.tensors().values()) {
                        out.printf("  %-40s %-6s %s%n", t.name(), t.type(), Arrays.toString(t.dims()));
                    }
                }
                out.println();
                Object template = gguf.metadata().get("tokenizer.chat_template");
                out.println(template == null ? "chat template: (none)" : "chat template:\n" + template);
                out.flush();
            } catch (ModelFormatException e) {
                throw new CliException(e.getMessage());
            }
            return 0;
        }

        /** A metadata value; arrays show their length and first elements. */
        static String show(Object v) {
            if (v == null || !v.getClass().isArray()) {
                return v instanceof String s ? '"' + s.replace("\n", "\\n") + '"' : String.valueOf(v);
            }
            int n = Array.getLength(v);
            StringBuilder b = new StringBuilder(
                    "[" + n + " x " + v.getClass().getComponentType().getSimpleName() + "] [");
            for (int i = 0; i < Math.min(n, ARRAY_PREVIEW); i++) {
                b.append(i > 0 ? ", " : "").append(show(Array.get(v, i)));
            }
            return b.append(n > ARRAY_PREVIEW ? ", ...]" : "]").toString();
        }
    }
}
